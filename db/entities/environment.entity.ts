import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { EnvironmentTier } from '../domain';

/** A deployment target. DORA counts the PRODUCTION tier. */
@Entity({ name: 'environments' })
export class EnvironmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  tier!: EnvironmentTier;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
