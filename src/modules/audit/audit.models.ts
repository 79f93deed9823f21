import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum AuditCategoryEnum {
  SCIMEvent = 'SCIMEvent',
  ManagementEvent = 'ManagementEvent',
  SessionEvent = 'SessionEvent',
}
registerEnumType(AuditCategoryEnum, { name: 'AuditCategory' });

@ObjectType('AuditEvent')
export class AuditEventModel {
  @Field(() => ID)
  id: string;

  @Field()
  occurredAt: Date;

  @Field(() => ID, { nullable: true })
  tenantId: string | null;

  @Field({ description: 'SCIMEvent, ManagementEvent or SessionEvent.' })
  category: string;

  @Field({ description: 'See the README section "Audit events" for the catalogue.' })
  type: string;

  @Field({ description: 'success or failure.' })
  outcome: string;

  @Field(() => ID, { nullable: true, description: 'The access key that made the request.' })
  actorKeyId: string | null;

  @Field(() => String, { nullable: true })
  actorName: string | null;

  @Field(() => String, { nullable: true })
  targetId: string | null;

  @Field(() => String, { nullable: true, description: 'userName / login ID of the target.' })
  targetLogin: string | null;

  @Field(() => String, { nullable: true })
  targetEmail: string | null;

  @Field(() => String, { nullable: true })
  targetDisplayName: string | null;

  @Field(() => Int, { nullable: true })
  httpStatus: number | null;

  @Field(() => String, { nullable: true })
  scimType: string | null;

  @Field(() => String, { nullable: true, description: 'Why it failed (the SCIM detail, or a reason code).' })
  reason: string | null;

  @Field(() => [String], { nullable: true })
  changedAttributes: string[] | null;

  @Field(() => String, { nullable: true })
  requestId: string | null;

  @Field(() => String, { nullable: true })
  userAgent: string | null;

  @Field(() => String, { nullable: true })
  sourceIp: string | null;

  @Field(() => String, { nullable: true, description: 'Type-specific details, as a JSON object.' })
  details: string | null;
}

@ObjectType('AuditEventEdge')
export class AuditEventEdge {
  @Field()
  cursor: string;

  @Field(() => AuditEventModel)
  node: AuditEventModel;
}

@ObjectType('PageInfo')
export class PageInfoModel {
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' })
  endCursor: string | null;

  @Field()
  hasNextPage: boolean;
}

@ObjectType('AuditEventConnection')
export class AuditEventConnection {
  @Field(() => [AuditEventEdge])
  edges: AuditEventEdge[];

  @Field(() => [AuditEventModel])
  nodes: AuditEventModel[];

  @Field(() => PageInfoModel)
  pageInfo: PageInfoModel;
}

@ArgsType()
export class AuditEventsArgs {
  @Field(() => ID)
  tenantId: string;

  @Field(() => String, {
    nullable: true,
    description: 'An exact type (scim.user.created), or a prefix ending in "." (scim.user.).',
  })
  type?: string;

  @Field(() => AuditCategoryEnum, { nullable: true })
  category?: AuditCategoryEnum;

  @Field(() => String, {
    nullable: true,
    description: "The target's email or login ID, matched exactly, case-insensitively.",
  })
  search?: string;

  @Field(() => ID, { nullable: true })
  actorKeyId?: string;

  @Field(() => Date, { nullable: true, description: 'Inclusive lower bound on occurredAt.' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Inclusive upper bound on occurredAt.' })
  to?: Date;

  @Field(() => Int, { defaultValue: 50, description: 'Page size, 1 to 200.' })
  first: number;

  @Field(() => String, { nullable: true })
  after?: string;
}
