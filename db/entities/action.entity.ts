import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ActionKind } from '../domain';
import { StageEntity } from './stage.entity';

@Entity({ name: 'actions' })
export class ActionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'stage_id', type: 'uuid' })
  stageId!: string;

  @ManyToOne(() => StageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'stage_id' })
  stage?: StageEntity;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: ActionKind;

  /** Actions with the same runOrder form a group that runs in parallel. */
  @Column({ name: 'run_order', type: 'integer', default: 1 })
  runOrder!: number;

  @Column({ type: 'jsonb' })
  config!: Record<string, unknown>;

  @Column({ name: 'timeout_seconds', type: 'integer', nullable: true })
  timeoutSeconds!: number | null;

  @Column({ name: 'retry_maximum_attempts', type: 'integer', default: 1 })
  retryMaximumAttempts!: number;

  @Column({ name: 'retry_initial_interval_ms', type: 'integer', default: 1000 })
  retryInitialIntervalMs!: number;

  /**
   * A DEPLOYMENT action of an environment pipeline: the pipeline and the service it deploys, which tie it to
   * the service's placement (`stage_services`); null on every other action.
   */
  @Column({ name: 'pipeline_id', type: 'uuid', nullable: true })
  pipelineId!: string | null;

  @Column({ name: 'service_id', type: 'uuid', nullable: true })
  serviceId!: string | null;

  @Column({ name: 'retry_backoff_coefficient', type: 'double precision', default: 2 })
  retryBackoffCoefficient!: number;
}
