import { environmentIdByName, serviceIdByName } from '../../db/dora/lookups.sql';
import { run } from '../../db/dora/statement';
import type { DataSource } from 'typeorm';
import { environmentTiers, serviceTypes, type EnvironmentTier, type ServiceType } from '../../db/domain';
import { EnvironmentEntity } from '../../db/entities/environment.entity';
import { ServiceEntity } from '../../db/entities/service.entity';
import { badInput, conflict, notFound } from '../errors';
import { isUniqueViolation, isUuid, optionalText, requiredText } from '../graphql/validate';

interface ServiceFields {
  name: string;
  team?: string | null;
  type?: ServiceType | null;
}

interface EnvironmentFields {
  name: string;
  tier: EnvironmentTier;
}

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

  createService(input: ServiceFields): Promise<ServiceEntity> {
    const repo = this.dataSource.getRepository(ServiceEntity);
    return this.saveService(repo.create(), input);
  }

  /**
   * Renames a service or changes its team or type. A new type places the service's later Deployments; where
   * it already sits in an environment pipeline does not change (moveService does that).
   */
  async updateService(id: string, input: ServiceFields): Promise<ServiceEntity> {
    const service = isUuid(id) ? await this.dataSource.getRepository(ServiceEntity).findOneBy({ id }) : null;
    if (!service) throw notFound('service', id);
    return this.saveService(service, input);
  }

  createEnvironment(input: EnvironmentFields): Promise<EnvironmentEntity> {
    const repo = this.dataSource.getRepository(EnvironmentEntity);
    return this.saveEnvironment(repo.create(), input);
  }

  async updateEnvironment(id: string, input: EnvironmentFields): Promise<EnvironmentEntity> {
    const environment = isUuid(id)
      ? await this.dataSource.getRepository(EnvironmentEntity).findOneBy({ id })
      : null;
    if (!environment) throw notFound('environment', id);
    return this.saveEnvironment(environment, input);
  }

  private async saveService(service: ServiceEntity, input: ServiceFields): Promise<ServiceEntity> {
    const name = requiredText('input.name', input.name, 100);
    const team = optionalText('input.team', input.team, 100);
    const type = input.type ?? null;
    if (type !== null && !serviceTypes.includes(type))
      throw badInput('input.type', `must be one of ${serviceTypes.join(', ')}`);
    try {
      return await this.dataSource
        .getRepository(ServiceEntity)
        .save(Object.assign(service, { name, team, type }));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`a service named "${name}" already exists`);
      throw error;
    }
  }

  private async saveEnvironment(environment: EnvironmentEntity, input: EnvironmentFields) {
    const name = requiredText('input.name', input.name, 100);
    if (!environmentTiers.includes(input.tier))
      throw badInput('input.tier', `must be one of ${environmentTiers.join(', ')}`);
    try {
      return await this.dataSource
        .getRepository(EnvironmentEntity)
        .save(Object.assign(environment, { name, tier: input.tier }));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`an environment named "${name}" already exists`);
      throw error;
    }
  }
}
