import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { PipelineEventType } from '../domain';

/** Append-only record of every change of state; `id` orders them. */
@Entity({ name: 'pipeline_events' })
export class PipelineEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ name: 'pipeline_id', type: 'uuid' })
  pipelineId!: string;

  /** Unique within the run and chosen deterministically by whoever records it, so a retried write is a no-op. */
  @Column({ name: 'event_key', type: 'text' })
  eventKey!: string;

  @Column({ type: 'text' })
  type!: PipelineEventType;

  @Column({ name: 'stage_name', type: 'text', nullable: true })
  stageName!: string | null;

  @Column({ name: 'action_name', type: 'text', nullable: true })
  actionName!: string | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ type: 'timestamptz' })
  at!: Date;
}
