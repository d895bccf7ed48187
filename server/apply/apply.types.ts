import { Field, ObjectType } from 'type-graphql';
import { Environment, Service } from '../catalog/catalog.types';
import { Deployment } from '../deployment/deployment.types';
import { Pipeline } from '../pipeline/pipeline.types';

/** What an upsert did (or, in a dry run, would do) to the object it matched by name. */
export type Change = 'created' | 'updated' | 'unchanged';

const changeDescription = '"created", "updated" or "unchanged"';

@ObjectType('PipelineApplyResult')
export class PipelineApplyResult {
  @Field(() => Pipeline)
  pipeline!: unknown;

  @Field(() => String, { description: changeDescription })
  change!: Change;
}

@ObjectType('ServiceApplyResult')
export class ServiceApplyResult {
  @Field(() => Service)
  service!: unknown;

  @Field(() => String, { description: changeDescription })
  change!: Change;
}

@ObjectType('EnvironmentApplyResult')
export class EnvironmentApplyResult {
  @Field(() => Environment)
  environment!: unknown;

  @Field(() => String, { description: changeDescription })
  change!: Change;
}

@ObjectType('DeploymentApplyResult')
export class DeploymentApplyResult {
  @Field(() => Deployment)
  deployment!: unknown;

  @Field(() => String, { description: changeDescription })
  change!: Change;
}
