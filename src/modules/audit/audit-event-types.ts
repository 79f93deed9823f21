/**
 * The SCIM event types (category `SCIMEvent`). Change events are written by the SCIM services
 * inside their transaction; read and failure events are written by ScimRequestAuditor; the
 * bearer guard writes `scim.auth.failed`. the README's "Audit events" section describes each one.
 */
export const SCIM_CHANGE_EVENT_TYPES = [
  'scim.user.created',
  'scim.user.updated',
  'scim.user.unchanged',
  'scim.user.deactivated',
  'scim.user.reactivated',
  'scim.user.deleted',
  'scim.group.created',
  'scim.group.updated',
  'scim.group.unchanged',
  'scim.group.deleted',
  'scim.group.members_added',
  'scim.group.members_removed',
] as const;

export const SCIM_READ_EVENT_TYPES = [
  'scim.user.read',
  'scim.users.listed',
  'scim.group.read',
  'scim.groups.listed',
  'scim.search',
  'scim.discovery.read',
] as const;

export const SCIM_REQUEST_FAILED = 'scim.request.failed';
export const SCIM_AUTH_FAILED = 'scim.auth.failed';

export type ScimReadEventType = (typeof SCIM_READ_EVENT_TYPES)[number];

/** Events about access keys that stop provisioning soon (category `ManagementEvent`). */
export const ACCESS_KEY_EXPIRING = 'access_key.expiring';
export const ACCESS_KEY_EXPIRED = 'access_key.expired';

/**
 * A successful SCIM change ("a push"), as SQL. Literal, so the planner can use the partial index
 * ix_audit_event_tenant_push (migrations/1795509600000-AuditSearch.ts uses the same text).
 */
export const PUSH_PREDICATE = `category = 'SCIMEvent' AND outcome = 'success' AND type LIKE 'scim.%' AND type NOT IN ('scim.user.read', 'scim.users.listed', 'scim.group.read', 'scim.groups.listed', 'scim.search', 'scim.discovery.read')`;
