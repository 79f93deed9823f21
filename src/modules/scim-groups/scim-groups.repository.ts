import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { compileFilter } from '../../persistence/filter-sql';
import { ListPage, listPage, ListSpec } from '../../persistence/list-query';
import { lockClause, RowLock } from '../../persistence/row-lock';
import { SqlParams } from '../../persistence/sql-params';
import { sqlQuery } from '../../persistence/sql-query';
import { Filter, GROUP_RESOURCE_TYPE, ListQuery, MemberRef } from '../../scim';
import { GROUP_FILTER_MAP, MEMBER_ROW_FILTER_MAP } from './group-filter-map';
import { GroupMemberRow, ScimGroupRow } from './scim-group.mapper';

const COLUMNS = 'g.id, g.tenant_id, g.display_name, g.external_id, g.version, g.created_at, g.updated_at';
const RETURNING = COLUMNS.replace(/g\./g, '');

const LIST_SPEC: ListSpec = {
  from: 'scim_group g',
  idColumn: 'g.id',
  tenantColumn: 'g.tenant_id',
  select: COLUMNS,
  filterMap: GROUP_FILTER_MAP,
  coreSchema: GROUP_RESOURCE_TYPE.schema.id,
  resourceType: GROUP_RESOURCE_TYPE,
  sortKeys: {
    id: { sql: 'g.id', type: 'uuid' },
    displayName: { sql: 'lower(g.display_name)', type: 'text' },
    externalId: { sql: `coalesce(g.external_id, '')`, type: 'text' },
    'meta.created': { sql: 'g.created_at', type: 'timestamptz' },
    'meta.lastModified': { sql: 'g.updated_at', type: 'timestamptz' },
  },
};

/** A membership row changed by a write: who, and whether that member is a user. */
export interface ChangedMember {
  member_id: string;
  member_user_id: string | null;
}

const isUuid = (value: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** SQL for scim_group and scim_group_member. Member writes touch only the rows named. */
@Injectable()
export class ScimGroupsRepository {
  async insert(
    manager: EntityManager,
    tenantId: string,
    id: string,
    group: { displayName: string; externalId: string | null },
  ): Promise<ScimGroupRow> {
    const [row] = await sqlQuery<ScimGroupRow>(
      manager,
      `INSERT INTO scim_group (tenant_id, id, display_name, external_id) VALUES ($1, $2, $3, $4) RETURNING ${RETURNING}`,
      [tenantId, id, group.displayName, group.externalId],
    );
    return row;
  }

  /** Writes the attributes and bumps the version (also after member-only changes: the ETag moves). */
  async update(
    manager: EntityManager,
    tenantId: string,
    id: string,
    group: { displayName: string; externalId: string | null },
  ): Promise<ScimGroupRow> {
    const rows = await sqlQuery<ScimGroupRow>(
      manager,
      `UPDATE scim_group SET display_name = $3, external_id = $4, version = version + 1, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 RETURNING ${RETURNING}`,
      [tenantId, id, group.displayName, group.externalId],
    );
    return rows[0];
  }

  async findById(
    manager: EntityManager,
    tenantId: string,
    id: string,
    lock: RowLock | boolean = 'none',
  ): Promise<ScimGroupRow | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await sqlQuery<ScimGroupRow>(
      manager,
      `SELECT ${COLUMNS} FROM scim_group g WHERE g.tenant_id = $1 AND g.id = $2 ${lockClause(lock)}`,
      [tenantId, id],
    );
    return row;
  }

  async delete(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    await sqlQuery(manager, `DELETE FROM scim_group WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  }

  list(
    manager: EntityManager,
    tenantId: string,
    query: ListQuery,
  ): Promise<ListPage<ScimGroupRow & Record<string, unknown>>> {
    return listPage(manager, LIST_SPEC, tenantId, query);
  }

  async members(
    manager: EntityManager,
    tenantId: string,
    groupIds: string[],
  ): Promise<Map<string, GroupMemberRow[]>> {
    const byGroup = new Map<string, GroupMemberRow[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return byGroup;
    const rows: Array<GroupMemberRow & { group_id: string }> = await sqlQuery(
      manager,
      `SELECT m.group_id, m.member_id, m.member_type,
              coalesce(mu.display_name, mu.user_name, mg.display_name) AS display
         FROM scim_group_member m
         LEFT JOIN scim_user mu ON mu.tenant_id = m.tenant_id AND mu.id = m.member_user_id
         LEFT JOIN scim_group mg ON mg.tenant_id = m.tenant_id AND mg.id = m.member_group_id
        WHERE m.tenant_id = $1 AND m.group_id = ANY($2::uuid[])
        ORDER BY m.group_id, m.member_id`,
      [tenantId, groupIds],
    );
    for (const { group_id, ...member } of rows) byGroup.get(group_id)?.push(member);
    return byGroup;
  }

  /** Which of these references exist in the tenant, typed (a reference without `type` may be either). */
  async resolveMembers(
    manager: EntityManager,
    tenantId: string,
    groupId: string,
    refs: readonly MemberRef[],
  ): Promise<{ users: string[]; groups: string[]; unknown: string[] }> {
    const ids = [...new Set(refs.map((ref) => ref.value.toLowerCase()))].filter(isUuid);
    const wantsGroup = new Set(
      refs.filter((ref) => ref.type === 'Group').map((ref) => ref.value.toLowerCase()),
    );
    // FOR KEY SHARE holds each found row until commit: a member deleted concurrently is either
    // waited for and skipped here, or cannot go before the membership insert (never an FK error).
    const users = await sqlQuery<{ id: string }>(
      manager,
      `SELECT id FROM scim_user WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR KEY SHARE`,
      [tenantId, ids.filter((id) => !wantsGroup.has(id))],
    );
    const groups = await sqlQuery<{ id: string }>(
      manager,
      `SELECT id FROM scim_group WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND id <> $3 ORDER BY id FOR KEY SHARE`,
      [tenantId, ids, groupId],
    );
    const userIds = users.map((row) => row.id);
    const userSet = new Set(userIds);
    const groupIds = groups.map((row) => row.id).filter((id) => !userSet.has(id));
    const known = new Set([...userIds, ...groupIds]);
    const unknown = refs.map((ref) => ref.value).filter((value) => !known.has(value.toLowerCase()));
    return { users: userIds, groups: groupIds, unknown: [...new Set(unknown)] };
  }

  /** Inserts memberships; existing ones are left alone (repeated adds are no-ops). Returns the new rows. */
  async addMembers(
    manager: EntityManager,
    tenantId: string,
    groupId: string,
    users: string[],
    groups: string[],
  ): Promise<ChangedMember[]> {
    if (users.length + groups.length === 0) return [];
    return sqlQuery<ChangedMember>(
      manager,
      `INSERT INTO scim_group_member (tenant_id, group_id, member_id, member_type, member_user_id, member_group_id)
       SELECT $1::uuid, $2::uuid, id, 'User', id, NULL::uuid FROM unnest($3::uuid[]) AS id
       UNION ALL
       SELECT $1::uuid, $2::uuid, id, 'Group', NULL::uuid, id FROM unnest($4::uuid[]) AS id
       ON CONFLICT DO NOTHING
       RETURNING member_id, member_user_id`,
      [tenantId, groupId, users, groups],
    );
  }

  async removeMembers(
    manager: EntityManager,
    tenantId: string,
    groupId: string,
    ids: readonly string[],
  ): Promise<ChangedMember[]> {
    const valid = ids.map((id) => id.toLowerCase()).filter(isUuid);
    if (valid.length === 0) return [];
    const rows = await sqlQuery<ChangedMember>(
      manager,
      `DELETE FROM scim_group_member WHERE tenant_id = $1 AND group_id = $2 AND member_id = ANY($3::uuid[])
       RETURNING member_id, member_user_id`,
      [tenantId, groupId, valid],
    );
    return rows;
  }

  async removeMembersWhere(
    manager: EntityManager,
    tenantId: string,
    groupId: string,
    filter: Filter,
  ): Promise<ChangedMember[]> {
    const params = new SqlParams([tenantId, groupId]);
    const condition = compileFilter(filter, MEMBER_ROW_FILTER_MAP, params);
    const rows = await sqlQuery<ChangedMember>(
      manager,
      `DELETE FROM scim_group_member m WHERE m.tenant_id = $1 AND m.group_id = $2 AND ${condition}
       RETURNING m.member_id, m.member_user_id`,
      params.values,
    );
    return rows;
  }

  /** Removes every member not in `keep` (all of them when `keep` is empty). */
  async removeMembersExcept(
    manager: EntityManager,
    tenantId: string,
    groupId: string,
    keep: readonly string[],
  ): Promise<ChangedMember[]> {
    const rows = await sqlQuery<ChangedMember>(
      manager,
      `DELETE FROM scim_group_member WHERE tenant_id = $1 AND group_id = $2 AND NOT (member_id = ANY($3::uuid[]))
       RETURNING member_id, member_user_id`,
      [tenantId, groupId, keep.map((id) => id.toLowerCase()).filter(isUuid)],
    );
    return rows;
  }

  /** User ids of every member, for the sessions of a deleted group. */
  async memberUserIds(manager: EntityManager, tenantId: string, groupId: string): Promise<string[]> {
    const rows = await sqlQuery<{ id: string }>(
      manager,
      `SELECT member_user_id AS id FROM scim_group_member WHERE tenant_id = $1 AND group_id = $2 AND member_user_id IS NOT NULL`,
      [tenantId, groupId],
    );
    return rows.map((row) => row.id);
  }
}
