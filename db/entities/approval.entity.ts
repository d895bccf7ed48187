import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A recorded decision on an approval gate; a retried gate (next execution) asks again. */
@Entity({ name: 'approvals' })
export class ApprovalEntity {
  @PrimaryColumn({ name: 'action_run_id', type: 'uuid' })
  actionRunId!: string;

  @PrimaryColumn({ type: 'integer' })
  execution!: number;

  @PrimaryColumn({ name: 'principal_id', type: 'uuid' })
  principalId!: string;

  @Column({ type: 'boolean' })
  approved!: boolean;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ type: 'timestamptz' })
  at!: Date;
}
