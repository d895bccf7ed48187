import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Something a run built and published once (an image, a package): its digest is its identity wherever it
 * is promoted. Runs and deployment runs that carry it link it (`pipeline_run_artifacts`,
 * `deployment_run_artifacts`); it is never copied.
 */
@Entity({ name: 'artifacts' })
export class ArtifactEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  version!: string;

  @Column({ type: 'text', nullable: true })
  digest!: string | null;

  @Column({ type: 'text', nullable: true })
  uri!: string | null;

  /** The run that built it; null when it was reported from outside. */
  @Column({ name: 'pipeline_run_id', type: 'uuid', nullable: true })
  pipelineRunId!: string | null;

  /** The action that published it. */
  @Column({ name: 'action_run_id', type: 'uuid', nullable: true })
  actionRunId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
