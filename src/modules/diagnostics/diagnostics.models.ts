import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

import { AuditEventModel } from '../audit/audit.models';
import { RoleMappingModel } from '../role-mapping/role-mapping.models';

export enum ScimKeyStatusEnum {
  ACTIVE = 'ACTIVE',
  EXPIRING_SOON = 'EXPIRING_SOON',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
}
registerEnumType(ScimKeyStatusEnum, { name: 'ScimKeyStatus' });

export enum DiagnosisVerdict {
  CAN_LOG_IN = 'CAN_LOG_IN',
  NEVER_PROVISIONED = 'NEVER_PROVISIONED',
  DEACTIVATED = 'DEACTIVATED',
  DELETED = 'DELETED',
  NO_ROLES = 'NO_ROLES',
  SCIM_DISABLED = 'SCIM_DISABLED',
  KEY_EXPIRED_PROVISIONING_STOPPED = 'KEY_EXPIRED_PROVISIONING_STOPPED',
  PUSH_REJECTED = 'PUSH_REJECTED',
  WILL_BE_CREATED_BY_JIT = 'WILL_BE_CREATED_BY_JIT',
}
registerEnumType(DiagnosisVerdict, {
  name: 'DiagnosisVerdict',
  description: 'Why a user can or cannot log in, from the evidence.',
  valuesMap: {
    CAN_LOG_IN: { description: 'Provisioned, active, with at least one role.' },
    NEVER_PROVISIONED: { description: 'No SCIM record and no SCIM event: the IdP never pushed this user.' },
    DEACTIVATED: { description: 'The IdP set active: false.' },
    DELETED: { description: 'The IdP deleted the user.' },
    NO_ROLES: { description: 'Provisioned and active, but no group maps to a role.' },
    SCIM_DISABLED: { description: 'SCIM is disabled for the tenant, so the IdP cannot push anyone.' },
    KEY_EXPIRED_PROVISIONING_STOPPED: {
      description: 'No live access key can provision (expired, revoked): every push is refused.',
    },
    PUSH_REJECTED: { description: 'The IdP tried to push this user and Roster refused the request.' },
    WILL_BE_CREATED_BY_JIT: {
      description: 'Not provisioned, but JIT is on: the first login creates the user.',
    },
  },
});

@ObjectType('ScimKey')
export class ScimKeyModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  tenantId: string;

  @Field(() => String, { nullable: true })
  tenantName?: string;

  @Field()
  name: string;

  @Field(() => [String])
  roles: string[];

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  @Field(() => Date, { nullable: true })
  lastUsedAt: Date | null;

  @Field()
  createdAt: Date;

  @Field(() => ScimKeyStatusEnum)
  status: ScimKeyStatusEnum;

  @Field({ description: 'Live and holding the Tenant Admin role: the IdP can push with it.' })
  canProvision: boolean;
}

@ObjectType('ScimConfiguration')
export class ScimConfigurationModel {
  @Field(() => ID)
  tenantId: string;

  @Field()
  tenantName: string;

  @Field({ description: 'When false, every SCIM request for this tenant is refused with 403.' })
  enabled: boolean;

  @Field({ description: 'The SCIM base URL to paste into the IdP (Tenant URL / SCIM connector base URL).' })
  baseUrl: string;

  @Field({ description: 'oauthbearertoken: an HTTP header "Authorization: Bearer <token>".' })
  authenticationMode: string;

  @Field({ description: 'The token to paste: the project ID, a colon, and an access key shown once.' })
  bearerFormat: string;

  @Field(() => [ScimKeyModel])
  keys: ScimKeyModel[];

  @Field()
  jitProvisioning: boolean;

  @Field(() => [RoleMappingModel])
  roleMappings: RoleMappingModel[];

  @Field(() => Date, { nullable: true, description: 'The last successful SCIM change (a push).' })
  lastSuccessfulPushAt: Date | null;

  @Field(() => Int)
  userCount: number;

  @Field(() => Int)
  activeUserCount: number;

  @Field(() => Int)
  groupCount: number;
}

@ObjectType('DiagnosedUser')
export class DiagnosedUserModel {
  @Field(() => ID)
  id: string;

  @Field()
  userName: string;

  @Field(() => String, { nullable: true })
  displayName: string | null;

  @Field(() => [String])
  emails: string[];

  @Field()
  active: boolean;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

@ObjectType('DiagnosedGroup')
export class DiagnosedGroupModel {
  @Field(() => ID)
  id: string;

  @Field()
  displayName: string;

  @Field({ description: 'A role mapping exists for this group name and grants at least one role.' })
  mapped: boolean;

  @Field(() => [String])
  roles: string[];
}

@ObjectType('UserDiagnosis')
export class UserDiagnosisModel {
  @Field(() => ID)
  tenantId: string;

  @Field()
  loginId: string;

  @Field(() => DiagnosisVerdict)
  verdict: DiagnosisVerdict;

  @Field({ description: 'One sentence for support staff.' })
  summary: string;

  @Field(() => [String], { description: "What the customer's IT admin should do next, in order." })
  nextSteps: string[];

  @Field(() => [String], { description: 'Other findings worth knowing (they do not block this login).' })
  warnings: string[];

  @Field(() => DiagnosedUserModel, { nullable: true })
  user: DiagnosedUserModel | null;

  @Field()
  jitProvisioning: boolean;

  @Field()
  scimEnabled: boolean;

  @Field(() => [DiagnosedGroupModel])
  groups: DiagnosedGroupModel[];

  @Field(() => [String], { description: 'The roles the user gets from their groups.' })
  roles: string[];

  @Field(() => [String], { description: 'Groups of the user that map to no role.' })
  unmappedGroups: string[];

  @Field(() => AuditEventModel, { nullable: true, description: 'The first time the IdP pushed the user.' })
  firstPush: AuditEventModel | null;

  @Field(() => AuditEventModel, { nullable: true, description: 'The last change the IdP pushed.' })
  lastChange: AuditEventModel | null;

  @Field(() => AuditEventModel, { nullable: true })
  deactivation: AuditEventModel | null;

  @Field(() => AuditEventModel, { nullable: true })
  deletion: AuditEventModel | null;

  @Field(() => [AuditEventModel], {
    description:
      'Recent events naming this user (by login ID or email), newest first, including refused pushes and sign-ins.',
  })
  events: AuditEventModel[];

  @Field(() => [AuditEventModel], {
    description: 'scim.auth.failed events of the tenant in the last 7 days.',
  })
  recentAuthFailures: AuditEventModel[];

  @Field(() => [ScimKeyModel])
  keys: ScimKeyModel[];
}

@ObjectType('FailureReasonCount')
export class FailureReasonCountModel {
  @Field({ description: 'The auth failure reason (expired_key...), the scimType, or http_<status>.' })
  reason: string;

  @Field(() => Int)
  count: number;
}

@ObjectType('ScimHealth')
export class ScimHealthModel {
  @Field(() => ID)
  tenantId: string;

  @Field()
  tenantName: string;

  @Field()
  scimEnabled: boolean;

  @Field(() => AuditEventModel, { nullable: true })
  lastSuccess: AuditEventModel | null;

  @Field(() => AuditEventModel, { nullable: true })
  lastFailure: AuditEventModel | null;

  @Field(() => Date, { nullable: true })
  lastPushAt: Date | null;

  @Field(() => Int)
  requests24h: number;

  @Field(() => Int)
  failures24h: number;

  @Field(() => Float, { description: 'failures24h / requests24h; 0 without requests.' })
  failureRate24h: number;

  @Field(() => [FailureReasonCountModel])
  failuresByReason24h: FailureReasonCountModel[];

  @Field(() => [ScimKeyModel], {
    description: 'Keys not revoked that expire within 14 days or have expired.',
  })
  expiringKeys: ScimKeyModel[];

  @Field({ description: 'No successful SCIM change in the last 7 days.' })
  noPushIn7Days: boolean;
}

@ObjectType('TenantPushStatus')
export class TenantPushStatusModel {
  @Field(() => ID)
  tenantId: string;

  @Field()
  tenantName: string;

  @Field(() => Date, { nullable: true })
  lastPushAt: Date | null;
}

@ObjectType('ScimHealthOverview')
export class ScimHealthOverviewModel {
  @Field()
  generatedAt: Date;

  @Field(() => Int)
  requests24h: number;

  @Field(() => Int)
  failures24h: number;

  @Field(() => Float)
  failureRate24h: number;

  @Field(() => [FailureReasonCountModel])
  failuresByReason24h: FailureReasonCountModel[];

  @Field(() => [ScimKeyModel])
  keysExpiringSoon: ScimKeyModel[];

  @Field(() => [TenantPushStatusModel], {
    description: 'SCIM-enabled tenants without a successful push in 7 days (at most 500, oldest first).',
  })
  tenantsWithoutPushIn7Days: TenantPushStatusModel[];
}
