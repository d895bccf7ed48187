import { environmentIdByName, serviceIdByName } from '../../db/dora/lookups.sql';
import { run } from '../../db/dora/statement';
import type { DataSource } from 'typeorm';
import { environmentTiers, type EnvironmentTier } from '../../db/domain';
import { EnvironmentEntity } from '../../db/entities/environment.entity';
import { ServiceEntity } from '../../db/entities/service.entity';
import { badInput, conflict } from '../errors';
import { isUniqueViolation, optionalText, requiredText } from '../graphql/validate';

const idByNameStatements = { services: serviceIdByName, environments: environmentIdByName } as const;

/** Services (what teams ship) and environments (where it goes). */
export class CatalogService {
  constructor(private readonly dataSource: DataSource) {}

  listServices(): Promise<ServiceEntity[]> {
    return this.dataSource.getRepository(ServiceEntity).find({ order: { name: 'ASC' } });
  }

  listEnvironments(): Promise<EnvironmentEntity[]> {
    return this.dataSource.getRepository(EnvironmentEntity).find({ order: { name: 'ASC' } });
  }

  /** A service or environment by its name (systems reporting by webhook know names, not ids). */
  async idByName(table: keyof typeof idByNameStatements, name: string): Promise<string | null> {
    const [row] = await run(this.dataSource, idByNameStatements[table], { name });
    return row?.id ?? null;
  }

  async createService(input: { name: string; team?: string | null }): Promise<ServiceEntity> {
    const name = requiredText('input.name', input.name, 100);
    const team = optionalText('input.team', input.team, 100);
    const repo = this.dataSource.getRepository(ServiceEntity);
    try {
      return await repo.save(repo.create({ name, team }));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`a service named "${name}" already exists`);
      throw error;
    }
  }

  async createEnvironment(input: { name: string; tier: EnvironmentTier }): Promise<EnvironmentEntity> {
    const name = requiredText('input.name', input.name, 100);
    if (!environmentTiers.includes(input.tier))
      throw badInput('input.tier', `must be one of ${environmentTiers.join(', ')}`);
    const repo = this.dataSource.getRepository(EnvironmentEntity);
    try {
      return await repo.save(repo.create({ name, tier: input.tier }));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`an environment named "${name}" already exists`);
      throw error;
    }
  }
}
