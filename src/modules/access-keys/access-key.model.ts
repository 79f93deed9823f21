import { Field, ID, ObjectType } from '@nestjs/graphql';

/** What the admin API shows of a key: never the secret, never its hash. */
@ObjectType('AccessKey')
export class AccessKeyModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  tenantId: string;

  @Field()
  name: string;

  @Field(() => [String])
  roles: string[];

  @Field({ description: 'Last characters of the secret, to tell keys apart.' })
  secretHint: string;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'Updated at most once a minute.' })
  lastUsedAt: Date | null;

  @Field(() => ID, { nullable: true, description: 'The key this one replaced by rotation.' })
  rotatedFromId: string | null;

  @Field()
  createdAt: Date;
}

@ObjectType('CreatedAccessKey')
export class CreatedAccessKeyModel {
  @Field({ description: 'The secret, shown once. The IdP bearer is `<ProjectID>:<cleartext>`.' })
  cleartext: string;

  @Field(() => AccessKeyModel)
  accessKey: AccessKeyModel;
}
