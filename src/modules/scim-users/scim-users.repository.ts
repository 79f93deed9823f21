import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { ListPage, listPage, ListSpec } from '../../persistence/list-query';
import { USER_GROUPS_JSON_SQL } from '../../persistence/membership-queries';
import { lockClause, RowLock } from '../../persistence/row-lock';
import { sqlQuery } from '../../persistence/sql-query';
import { ListQuery, USER_RESOURCE_TYPE } from '../../scim';
import { ScimUserColumns, ScimUserRow, UserGroupRef } from './scim-user.mapper';
import { USER_FILTER_MAP } from './user-filter-map';

/** Placeholders the user INSERT takes; an audit statement joined to it numbers its own after them. */
export const USER_INSERT_PARAMS = 9;

/** An INSERT into audit_event whose placeholders start after the user's. */
export interface AuditStatement {
  sql: string;
  params: unknown[];
}

const COLUMNS = `u.id, u.tenant_id, u.user_name, u.external_id, u.display_name, u.active, u.primary_email,
  u.data, u.version, u.created_at, u.updated_at`;

const LIST_SPEC: ListSpec = {
  from: 'scim_user u',
  idColumn: 'u.id',
  tenantColumn: 'u.tenant_id',
  select: COLUMNS,
  filterMap: USER_FILTER_MAP,
  coreSchema: USER_RESOURCE_TYPE.schema.id,
  resourceType: USER_RESOURCE_TYPE,
  sortKeys: {
    id: { sql: 'u.id', type: 'uuid' },
    userName: { sql: 'lower(u.user_name)', type: 'text' },
    displayName: { sql: `lower(coalesce(u.display_name, ''))`, type: 'text' },
    externalId: { sql: `coalesce(u.external_id, '')`, type: 'text' },
    'meta.created': { sql: 'u.created_at', type: 'timestamptz' },
    'meta.lastModified': { sql: 'u.updated_at', type: 'timestamptz' },
  },
};

/** $1..$9 (USER_INSERT_PARAMS of them) of both the INSERT and the UPDATE: the key, then the columns. */
const userParams = (tenantId: string, id: string, columns: ScimUserColumns): unknown[] => [
  tenantId,
  id,
  columns.userName,
  columns.externalId,
  columns.displayName,
  columns.active,
  columns.emailValues,
  columns.primaryEmail,
  columns.data,
];

/** SQL for scim_user. Every statement is scoped by tenant_id first. */
@Injectable()
export class ScimUsersRepository {
  async insert(
    manager: EntityManager,
    tenantId: string,
    id: string,
    columns: ScimUserColumns,
    audit?: AuditStatement,
  ): Promise<ScimUserRow> {
    const insert = `INSERT INTO scim_user (tenant_id, id, user_name, external_id, display_name, active, email_values, primary_email, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       RETURNING ${COLUMNS.replace(/u\./g, '')}`;
    // With its audit row, one statement: atomic on its own, one round trip instead of four.
    const sql = audit
      ? `WITH created AS (${insert}), audited AS (${audit.sql}) SELECT * FROM created`
      : insert;
    const params = userParams(tenantId, id, columns);
    const [row] = await sqlQuery<ScimUserRow>(manager, sql, audit ? [...params, ...audit.params] : params);
    return row;
  }

  async update(
    manager: EntityManager,
    tenantId: string,
    id: string,
    columns: ScimUserColumns,
  ): Promise<ScimUserRow> {
    const rows = await sqlQuery<ScimUserRow>(
      manager,
      `UPDATE scim_user SET user_name = $3, external_id = $4, display_name = $5, active = $6, email_values = $7,
              primary_email = $8, data = $9, version = version + 1, updated_at = now()
        WHERE tenant_id = $1 AND id = $2
        RETURNING ${COLUMNS.replace(/u\./g, '')}`,
      userParams(tenantId, id, columns),
    );
    return rows[0];
  }

  async findById(
    manager: EntityManager,
    tenantId: string,
    id: string,
    lock: RowLock | boolean = 'none',
    withGroups = false,
  ): Promise<(ScimUserRow & { groups?: UserGroupRef[] }) | undefined> {
    if (!isUuid(id)) return undefined;
    const select = withGroups ? `${COLUMNS}, ${USER_GROUPS_JSON_SQL} AS groups` : COLUMNS;
    const [row] = await sqlQuery<ScimUserRow & { groups?: UserGroupRef[] }>(
      manager,
      `SELECT ${select} FROM scim_user u WHERE u.tenant_id = $1 AND u.id = $2 ${lockClause(lock)}`,
      [tenantId, id],
    );
    return row;
  }

  /** Display names (else userNames) of these users, for the `manager` of the users that name them. */
  async displayNames(manager: EntityManager, tenantId: string, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await sqlQuery<{ id: string; name: string }>(
      manager,
      `SELECT id, coalesce(display_name, user_name) AS name FROM scim_user WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
      [tenantId, ids],
    );
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  async delete(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    // Memberships go with the user through the foreign key (ON DELETE CASCADE).
    await sqlQuery(manager, `DELETE FROM scim_user WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  }

  list(
    manager: EntityManager,
    tenantId: string,
    query: ListQuery,
    withGroups = false,
  ): Promise<ListPage<ScimUserRow & { groups?: UserGroupRef[] } & Record<string, unknown>>> {
    const spec = withGroups
      ? { ...LIST_SPEC, select: `${COLUMNS}, ${USER_GROUPS_JSON_SQL} AS groups` }
      : LIST_SPEC;
    return listPage(manager, spec, tenantId, query);
  }
}

export const isUuid = (value: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
