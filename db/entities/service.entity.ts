import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ServiceType } from '../domain';

/** Something a team ships; DORA metrics group by it. */
@Entity({ name: 'services' })
export class ServiceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  team!: string | null;

  /** Decides the stage it lands in when an environment pipeline places it; null: the last stage. */
  @Column({ type: 'text', nullable: true })
  type!: ServiceType | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
