import { AccessKeyEntity } from '../modules/access-keys/access-key.entity';
import { AuditEventEntity } from '../modules/audit/audit-event.entity';
import { AccessKeyExpiryNoticeEntity } from '../modules/diagnostics/key-expiry-notice.entity';
import { OutboxMessageEntity } from '../modules/outbox/outbox-message.entity';
import { RoleEntity } from '../modules/role-mapping/role.entity';
import { RoleMappingEntity, RoleMappingRoleEntity } from '../modules/role-mapping/role-mapping.entity';
import { ScimGroupEntity } from '../modules/scim-groups/scim-group.entity';
import { ScimGroupMemberEntity } from '../modules/scim-groups/scim-group-member.entity';
import { ScimUserEntity } from '../modules/scim-users/scim-user.entity';
import { SessionEntity } from '../modules/sessions/session.entity';
import { SigningKeyEntity } from '../modules/sessions/signing-key.entity';
import { TenantEntity } from '../modules/tenants/tenant.entity';

/** Every entity, listed once: the app, the migration CLI and the drift check share this list. */
export const ENTITIES = [
  TenantEntity,
  AccessKeyEntity,
  AuditEventEntity,
  OutboxMessageEntity,
  ScimUserEntity,
  ScimGroupEntity,
  ScimGroupMemberEntity,
  SessionEntity,
  RoleEntity,
  RoleMappingEntity,
  RoleMappingRoleEntity,
  SigningKeyEntity,
  AccessKeyExpiryNoticeEntity,
];
