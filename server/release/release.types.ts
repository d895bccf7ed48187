import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars';

@ObjectType('Artifact', {
  description: 'Built once by a run and promoted: its digest is the same wherever it is deployed.',
})
export class Artifact {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'e.g. "checkout-image"' })
  name!: string;

  @Field(() => String, { description: 'e.g. "1.4.2"' })
  version!: string;

  @Field(() => String, {
    nullable: true,
    description: 'e.g. "sha256:…": identical wherever the artifact is promoted',
  })
  digest!: string | null;

  @Field(() => String, { nullable: true, description: 'where it lives, e.g. an image reference' })
  uri!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

@InputType('ArtifactInput')
export class ArtifactInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String, { nullable: true })
  digest?: string | null;

  @Field(() => String, { nullable: true })
  uri?: string | null;
}

@ObjectType('LiveDeployment', { description: 'What runs for one service in one environment now.' })
export class LiveDeployment {}

@ObjectType('ArtifactChange')
export class ArtifactChange {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  liveVersion!: string | null;

  @Field(() => String, { nullable: true })
  candidateVersion!: string | null;

  @Field(() => String, { nullable: true })
  liveDigest!: string | null;

  @Field(() => String, { nullable: true })
  candidateDigest!: string | null;
}

@ObjectType('ApprovalRequest', { description: 'What an approval (a gate or a Deployment plan) approves.' })
export class ApprovalRequest {
  @Field(() => [ArtifactChange])
  artifactChanges!: ArtifactChange[];

  @Field(() => Boolean, { description: "the candidate's revision is older than the live one" })
  olderThanLive!: boolean;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "when the gate's timeout decides (null: no timeout)",
  })
  expiresAt!: Date | null;

  @Field(() => Boolean, { description: 'superseded by a newer run before anyone decided' })
  expired!: boolean;
}
