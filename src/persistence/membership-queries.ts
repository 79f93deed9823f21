import { EntityManager } from 'typeorm';

import { sqlQuery } from './sql-query';

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
  const rows: Array<{ member_id: string; group_id: string; display_name: string }> = await sqlQuery(
    manager,
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

/**
 * The `groups` of the user row aliased `u`, as a JSON array embedded in the user's own SELECT, so
 * a read costs one statement instead of two.
 */
export const USER_GROUPS_JSON_SQL = `(SELECT coalesce(jsonb_agg(jsonb_build_object('value', g.id, 'display', g.display_name)
           ORDER BY g.display_name), '[]'::jsonb)
      FROM scim_group_member gm
      JOIN scim_group g ON g.tenant_id = gm.tenant_id AND g.id = gm.group_id
     WHERE gm.tenant_id = u.tenant_id AND gm.member_user_id = u.id)`;
