import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('Tenant')
export class TenantModel {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field({ description: 'Create unknown users at sign-in. Off by default: SCIM decides who exists.' })
  jitProvisioning: boolean;

  @Field({ description: 'When false, every SCIM request for this tenant is refused with 403.' })
  scimEnabled: boolean;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

@ObjectType('TenantConnection')
export class TenantConnection {
  @Field(() => [TenantModel])
  nodes: TenantModel[];

  @Field(() => Int)
  totalCount: number;

  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` to get the next page; null on the last page.',
  })
  endCursor: string | null;

  @Field()
  hasNextPage: boolean;
}
