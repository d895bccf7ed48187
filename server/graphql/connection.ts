import 'reflect-metadata';
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';

@ObjectType('PageInfo')
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/**
 * The connection type of a paginated list of `Node` (a `Page` fills it): `<Node>Edge { cursor node }` and
 * `<Node>Connection { edges pageInfo totalCount }`. The names come from the node class, which is named as
 * its GraphQL type (`PipelineRun` -> `PipelineRunConnection`); call it once per node type.
 */
export function connectionOf<TNode extends object>(Node: ClassType<TNode>) {
  @ObjectType(`${Node.name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => Node)
    node!: TNode;
  }

  @ObjectType(`${Node.name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }

  return Connection;
}
