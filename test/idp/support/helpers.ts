import { provisionedTenant } from '../../support/factories';
import { ENTERPRISE, newUser, PATCH_OP, ScimClient, scimClient } from '../../support/scim-client';
import type { TestApp } from '../../support/test-app';

export { ENTERPRISE, PATCH_OP };

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LEGACY_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface Tenant {
  tenantId: string;
  bearer: string;
  scim: ScimClient;
}

export async function tenant(ctx: TestApp): Promise<Tenant> {
  const { tenant: t, key } = await provisionedTenant(ctx);
  return { tenantId: t.id, bearer: key.bearer, scim: scimClient(ctx, key.bearer) };
}

/** Creates a user and returns its id (fails the test on anything but 201). */
export async function createUser(scim: ScimClient, overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await scim.post('/Users', newUser(overrides));
  if (response.status !== 201) throw new Error(`create user: ${response.status} ${response.text}`);
  return (response.body as { id: string }).id;
}

export async function createGroup(
  scim: ScimClient,
  displayName: string,
  members: string[] = [],
): Promise<string> {
  const response = await scim.post('/Groups', {
    schemas: [GROUP_SCHEMA],
    displayName,
    members: members.map((value) => ({ value })),
  });
  if (response.status !== 201) throw new Error(`create group: ${response.status} ${response.text}`);
  return (response.body as { id: string }).id;
}

export async function memberIds(scim: ScimClient, groupId: string): Promise<string[]> {
  const response = await scim.get(`/Groups/${groupId}`);
  if (response.status !== 200) throw new Error(`get group: ${response.status} ${response.text}`);
  const members = (response.body as { members?: Array<{ value: string }> }).members ?? [];
  return members.map((member) => member.value).sort();
}

export const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

/** The audit events of a tenant, oldest first. */
/** The change events (writes) of a tenant; reads and failures are left out. */
export async function auditEvents(
  ctx: TestApp,
  tenantId: string,
  typePrefix = 'scim.',
): Promise<
  Array<{
    type: string;
    target_id: string | null;
    target_login: string | null;
    user_agent: string | null;
    http_status: number | null;
    details: Record<string, unknown> | null;
  }>
> {
  return ctx.db.query(
    `SELECT type, target_id, target_login, user_agent, http_status, details FROM audit_event
      WHERE tenant_id = $1 AND type LIKE $2 AND outcome = 'success'
        AND type NOT IN ('scim.user.read', 'scim.users.listed', 'scim.group.read', 'scim.groups.listed',
                         'scim.search', 'scim.discovery.read')
      ORDER BY occurred_at, id`,
    [tenantId, `${typePrefix}%`],
  );
}
