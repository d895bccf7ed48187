import type { DataSource } from 'typeorm';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import { PipelineEntity } from '../../db/entities/pipeline.entity';
import { isUuid } from '../graphql/validate';

/** What people type: a pipeline's name, a run's number within its pipeline (`checkout#12`). */
export class LookupPresenter {
  constructor(private readonly dataSource: DataSource) {}

  pipelineByName(name: string): Promise<PipelineEntity | null> {
    return this.dataSource.getRepository(PipelineEntity).findOneBy({ name: name.trim() });
  }

  async runByNumber(pipelineId: string, number: number): Promise<PipelineRunEntity | null> {
    if (!isUuid(pipelineId)) return null;
    return this.dataSource.getRepository(PipelineRunEntity).findOneBy({ pipelineId, number });
  }
}
