import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ExecutionMode } from '../domain';
import { ServiceEntity } from './service.entity';

/** A pipeline definition: ordered stages of actions. Runs snapshot it when they start. */
@Entity({ name: 'pipelines' })
export class PipelineEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'service_id', type: 'uuid', nullable: true })
  serviceId!: string | null;

  @ManyToOne(() => ServiceEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'service_id' })
  service?: ServiceEntity | null;

  /** Set on an environment pipeline: the environment whose services it deploys (one per environment). */
  @Column({ name: 'environment_id', type: 'uuid', nullable: true })
  environmentId!: string | null;

  @Column({ name: 'execution_mode', type: 'text', default: 'QUEUED' })
  executionMode!: ExecutionMode;

  /** Whether its runs may deploy a revision older than what is live (rollbacks always may). */
  @Column({ name: 'allow_older_than_live', type: 'boolean', default: false })
  allowOlderThanLive!: boolean;

  /** With `sourceBranch`, the pipeline's source: a signed push to that branch triggers it (both or neither). */
  @Column({ name: 'source_repository', type: 'text', nullable: true })
  sourceRepository!: string | null;

  @Column({ name: 'source_branch', type: 'text', nullable: true })
  sourceBranch!: string | null;

  /** The last run number handed out; incremented atomically when a run is triggered. */
  @Column({ name: 'run_counter', type: 'integer', default: 0 })
  runCounter!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
