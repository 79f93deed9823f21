import { EntityManager } from 'typeorm';

/**
 * Read-only view of memberships for the User resource's computed `groups` attribute. Writes to
 * scim_group_member belong to the groups module; users only read through here.
 */
export async function groupsOfUsers(
  manager: EntityManager,
  tenantId: string,
  userIds: string[],
): Promise<Map<string, Array<{ value: string; display: string }>>> {
  const byUser = new Map<string, Array<{ value: string; display: string }>>();
  if (userIds.length === 0) return byUser;
  const rows: Array<{ member_id: string; group_id: string; display_name: string }> = await manager.query(
    `SELECT m.member_user_id AS member_id, g.id AS group_id, g.display_name
       FROM scim_group_member m
       JOIN scim_group g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
      WHERE m.tenant_id = $1 AND m.member_user_id = ANY($2::uuid[])
      ORDER BY g.display_name`,
    [tenantId, userIds],
  );
  for (const row of rows) {
    const list = byUser.get(row.member_id) ?? [];
    list.push({ value: row.group_id, display: row.display_name });
    byUser.set(row.member_id, list);
  }
  return byUser;
}
