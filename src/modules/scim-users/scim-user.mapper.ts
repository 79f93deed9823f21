import { assertIndexable, assertStorable } from '../../persistence/storable';
import { ENTERPRISE_USER_SCHEMA, etagFromVersion, ScimResource, USER_RESOURCE_TYPE } from '../../scim';

/** A scim_user row as the repository reads it. */
export interface ScimUserRow {
  id: string;
  tenant_id: string;
  user_name: string;
  external_id: string | null;
  display_name: string | null;
  active: boolean;
  primary_email: string | null;
  data: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The indexed columns derived from a canonical SCIM user. */
export interface ScimUserColumns {
  userName: string;
  externalId: string | null;
  displayName: string | null;
  active: boolean;
  emailValues: string[];
  primaryEmail: string | null;
  data: Record<string, unknown>;
}

export interface UserGroupRef {
  value: string;
  display: string;
}

interface Email {
  value?: unknown;
  primary?: unknown;
  type?: unknown;
}

/**
 * The row columns for a canonical resource (as parseUser or applyPatch return it); 400 for
 * text PostgreSQL cannot store or index.
 */
export function toUserColumns(resource: ScimResource): ScimUserColumns {
  const { id: _id, meta: _meta, groups: _groups, ...data } = resource;
  assertStorable(data, '');
  const emails = Array.isArray(resource.emails) ? (resource.emails as Email[]) : [];
  const values = emails
    .map((email) => email.value)
    .filter((value): value is string => typeof value === 'string');
  const primary =
    emails.find((email) => email.primary === true && typeof email.value === 'string') ??
    emails.find((email) => email.type === 'work' && typeof email.value === 'string') ??
    emails.find((email) => typeof email.value === 'string');
  assertIndexable(String(resource.userName), 'userName');
  if (typeof resource.externalId === 'string') assertIndexable(resource.externalId, 'externalId');
  values.forEach((value, index) => assertIndexable(value, `emails[${index}].value`));
  return {
    userName: String(resource.userName),
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    displayName: typeof resource.displayName === 'string' ? resource.displayName : null,
    // RFC 7643 leaves an absent `active` to the provider: a pushed user is active until told otherwise.
    active: resource.active !== false,
    emailValues: [...new Set(values.map((value) => value.toLowerCase()))],
    primaryEmail: typeof primary?.value === 'string' ? primary.value : null,
    data,
  };
}

export const userLocation = (baseUrl: string, id: string) => `${baseUrl}/Users/${id}`;

/** The display names of manager users, by id (see `managerIdOf`). */
export type ManagerNames = ReadonlyMap<string, string>;

/** The enterprise `manager.value` of a row, when it can name a user of the tenant. */
export function managerIdOf(row: ScimUserRow): string | undefined {
  const extension = row.data[ENTERPRISE_USER_SCHEMA] as { manager?: { value?: unknown } } | undefined;
  const value = extension?.manager?.value;
  return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * manager.$ref and manager.displayName are readOnly (RFC 7643 §4.3): the server derives them from
 * the manager user when it is one of the tenant's, at read time, so a renamed manager shows at once.
 */
function withManager(
  data: Record<string, unknown>,
  baseUrl: string,
  managerId: string | undefined,
  managers: ManagerNames | undefined,
): Record<string, unknown> {
  const name = managerId === undefined ? undefined : managers?.get(managerId);
  if (managerId === undefined || name === undefined) return data;
  const extension = data[ENTERPRISE_USER_SCHEMA] as Record<string, unknown>;
  const manager = extension.manager as Record<string, unknown>;
  return {
    ...data,
    [ENTERPRISE_USER_SCHEMA]: {
      ...extension,
      manager: { ...manager, $ref: userLocation(baseUrl, managerId), displayName: name },
    },
  };
}

/**
 * The full SCIM resource of a row; `groups` is given when the caller loaded memberships,
 * `managers` when it looked up the manager's name.
 */
export function toUserResource(
  row: ScimUserRow,
  baseUrl: string,
  groups?: UserGroupRef[],
  managers?: ManagerNames,
): ScimResource {
  const data = withManager(row.data, baseUrl, managerIdOf(row), managers);
  const schemas = [USER_RESOURCE_TYPE.schema.id];
  if (data[ENTERPRISE_USER_SCHEMA] !== undefined) schemas.push(ENTERPRISE_USER_SCHEMA);
  // Built by assignment in SCIM's usual order: conditional spreads and rest copies are slow in V8,
  // and every user a list returns passes through here.
  const resource: ScimResource = { schemas, id: row.id };
  if (row.external_id !== null) resource.externalId = row.external_id;
  resource.userName = row.user_name;
  for (const key of Object.keys(data)) {
    // Stored data never holds these (paths refuse them); a plain assignment must not meet one.
    if (key === 'schemas' || key === '__proto__') continue;
    resource[key] = data[key];
  }
  resource.active = row.active;
  if (groups && groups.length > 0) {
    resource.groups = groups.map((group) => ({
      value: group.value,
      $ref: `${baseUrl}/Groups/${group.value}`,
      display: group.display,
      type: 'direct',
    }));
  }
  resource.meta = {
    resourceType: 'User',
    created: row.created_at.toISOString(),
    lastModified: row.updated_at.toISOString(),
    location: userLocation(baseUrl, row.id),
    version: etagFromVersion(row.version),
  };
  return resource;
}
