import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Where a service sits in an environment pipeline: one row per (pipeline, service), so one stage each. The
 * service's DEPLOYMENT actions reference this row, and follow it when it moves.
 */
@Entity({ name: 'stage_services' })
export class StageServiceEntity {
  @PrimaryColumn({ name: 'pipeline_id', type: 'uuid' })
  pipelineId!: string;

  @PrimaryColumn({ name: 'service_id', type: 'uuid' })
  serviceId!: string;

  @Column({ name: 'stage_id', type: 'uuid' })
  stageId!: string;
}
