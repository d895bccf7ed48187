import { Field, Int, ObjectType } from 'type-graphql';
import { DeploymentRun } from '../deployment/deployment.types';
import { PageInfo } from '../graphql/connection';

@ObjectType('DeploymentRunEdge')
export class DeploymentRunEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => DeploymentRun)
  node!: DeploymentRun;
}

@ObjectType('DeploymentRunConnection')
export class DeploymentRunConnection {
  @Field(() => [DeploymentRunEdge])
  edges!: DeploymentRunEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
