import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A line a command wrote; `seq` orders the lines of one action run across its attempts. */
@Entity({ name: 'log_lines' })
export class LogLineEntity {
  @PrimaryColumn({ name: 'action_run_id', type: 'uuid' })
  actionRunId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  stream!: 'stdout' | 'stderr';

  @Column({ type: 'text' })
  text!: string;
}
