import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ServiceType } from '../domain';
import { EnvironmentEntity } from './environment.entity';
import { PipelineEntity } from './pipeline.entity';

@Entity({ name: 'stages' })
export class StageEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'pipeline_id', type: 'uuid' })
  pipelineId!: string;

  @ManyToOne(() => PipelineEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'pipeline_id' })
  pipeline?: PipelineEntity;

  @Column({ type: 'text' })
  name!: string;

  /** 0-based order within the pipeline. */
  @Column({ type: 'integer' })
  position!: number;

  @Column({ name: 'environment_id', type: 'uuid', nullable: true })
  environmentId!: string | null;

  @ManyToOne(() => EnvironmentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'environment_id' })
  environment?: EnvironmentEntity | null;

  @Column({ name: 'max_parallel', type: 'integer', default: 4 })
  maxParallel!: number;

  @Column({ name: 'transition_enabled', type: 'boolean', default: true })
  transitionEnabled!: boolean;

  @Column({ name: 'transition_reason', type: 'text', nullable: true })
  transitionReason!: string | null;

  /** An environment pipeline's default stage for new services of this type; null once renamed. */
  @Column({ name: 'default_for', type: 'text', nullable: true })
  defaultFor!: ServiceType | null;
}
