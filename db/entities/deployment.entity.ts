import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A reusable unit that puts one Service into one Environment: plan, optional plan approval, apply. Any
 * number of pipelines may reference it (a DEPLOYMENT action); none owns it; it can also run alone.
 */
@Entity({ name: 'deployments' })
export class DeploymentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'service_id', type: 'uuid' })
  serviceId!: string;

  @Column({ name: 'environment_id', type: 'uuid' })
  environmentId!: string;

  @Column({ name: 'plan_command', type: 'text', nullable: true })
  planCommand!: string | null;

  @Column({ name: 'apply_command', type: 'text' })
  applyCommand!: string;

  @Column({ name: 'require_plan_approval', type: 'boolean', default: false })
  requirePlanApproval!: boolean;

  /** The plan approval's options, those of an approval gate (used when requirePlanApproval is true). */
  @Column({ name: 'plan_required_approvals', type: 'integer', default: 1 })
  planRequiredApprovals!: number;

  @Column({ name: 'plan_timeout_seconds', type: 'integer', nullable: true })
  planTimeoutSeconds!: number | null;

  @Column({ name: 'plan_allow_self_approval', type: 'boolean', default: false })
  planAllowSelfApproval!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
