import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { AppError } from '../../common/app-error';
import { decodeCursor, encodeCursor, KeysetCursor } from '../../common/cursor';
import { isUuid } from '../../graphql/scalars';
import { AuditEventConnection, AuditEventModel, AuditEventsArgs } from './audit.models';

export const MAX_AUDIT_PAGE = 200;
export const MAX_SEARCH_LENGTH = 320;
const MAX_TYPE_LENGTH = 100;
const TYPE_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** The columns of an event, plus its cursor position at full (microsecond) precision. */
export const AUDIT_EVENT_COLUMNS = `
  id, occurred_at AS "occurredAt", tenant_id AS "tenantId", category, type, outcome,
  actor_key_id AS "actorKeyId", actor_name AS "actorName", target_id AS "targetId",
  target_login AS "targetLogin", target_email AS "targetEmail",
  target_display_name AS "targetDisplayName", http_status AS "httpStatus", scim_type AS "scimType",
  reason, changed_attributes AS "changedAttributes", request_id AS "requestId",
  user_agent AS "userAgent", source_ip AS "sourceIp", details,
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"`;

/** The search condition both auditEvents and diagnoseUser use; served by the two lower() indexes. */
export const TARGET_MATCHES = (param: string) =>
  `(lower(target_login) = ${param} OR lower(target_email) = ${param})`;

export interface AuditEventRow extends Omit<AuditEventModel, 'details'> {
  details: Record<string, unknown> | null;
  cursorAt: string;
}

export const toAuditEventModel = (row: AuditEventRow): AuditEventModel => {
  const { cursorAt: _cursor, details, ...rest } = row;
  return { ...rest, details: details === null ? null : JSON.stringify(details) };
};

/** Keyset cursor: (occurred_at at microsecond precision, id), as src/common/cursor.ts encodes it. */
const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
export function encodeAuditCursor(row: { cursorAt: string; id: string }): string {
  return encodeCursor({ at: row.cursorAt, id: row.id });
}
export function decodeAuditCursor(value: string): KeysetCursor {
  return decodeCursor(value, (cursor) => CURSOR_AT.test(cursor.at) && isUuid(cursor.id));
}

/**
 * Audit search for support staff. Always within one tenant, newest first, keyset-paged on
 * (occurred_at, id): new events land above the first page, so paging neither skips nor repeats
 * while the IdP keeps pushing. Every value is a bind parameter.
 */
@Injectable()
export class AuditQueryService {
  constructor(private readonly dataSource: DataSource) {}

  async search(args: AuditEventsArgs): Promise<AuditEventConnection> {
    const first = args.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > MAX_AUDIT_PAGE) {
      throw AppError.badInput(`first must be between 1 and ${MAX_AUDIT_PAGE}`);
    }
    if (args.from && args.to && args.from.getTime() > args.to.getTime()) {
      throw AppError.badInput('from must not be after to');
    }
    const cursor =
      args.after !== undefined && args.after !== null ? decodeAuditCursor(args.after) : undefined;
    if (args.actorKeyId !== undefined && args.actorKeyId !== null && !isUuid(args.actorKeyId)) {
      throw AppError.badInput('actorKeyId must be a UUID');
    }
    const search = normaliseSearch(args.search);
    const type = args.type?.trim();
    if (type !== undefined && (type === '' || type.length > MAX_TYPE_LENGTH || !TYPE_PATTERN.test(type))) {
      throw AppError.badInput(
        `type must be an event type or a prefix ending in "." (letters, digits, "_", "-", "."; at most ${MAX_TYPE_LENGTH})`,
      );
    }
    await requireTenant(this.dataSource.manager, args.tenantId);

    const where = ['tenant_id = $1'];
    const values: unknown[] = [args.tenantId];
    const bind = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (type !== undefined) {
      where.push(
        type.endsWith('.')
          ? `type LIKE ${bind(`${type.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`
          : `type = ${bind(type)}`,
      );
    }
    if (args.category) where.push(`category = ${bind(args.category)}`);
    if (args.actorKeyId) where.push(`actor_key_id = ${bind(args.actorKeyId)}`);
    if (search !== undefined) where.push(TARGET_MATCHES(bind(search)));
    if (args.from) where.push(`occurred_at >= ${bind(args.from.toISOString())}`);
    if (args.to) where.push(`occurred_at <= ${bind(args.to.toISOString())}`);
    if (cursor) where.push(`(occurred_at, id) < (${bind(cursor.at)}::timestamptz, ${bind(cursor.id)}::uuid)`);

    const rows = await this.dataSource.query<AuditEventRow[]>(
      `SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_event
        WHERE ${where.join(' AND ')}
        ORDER BY occurred_at DESC, id DESC
        LIMIT ${bind(first + 1)}`,
      values,
    );
    const page = rows.slice(0, first);
    const hasNextPage = rows.length > first;
    const edges = page.map((row) => ({ cursor: encodeAuditCursor(row), node: toAuditEventModel(row) }));
    return {
      edges,
      nodes: edges.map((edge) => edge.node),
      pageInfo: { endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null, hasNextPage },
    };
  }
}

/** Trimmed and lower-cased; at most 320 characters (an email is at most 254). */
export function normaliseSearch(search: string | undefined | null): string | undefined {
  if (search === undefined || search === null) return undefined;
  const value = search.trim();
  if (value === '') throw AppError.badInput('search must not be empty');
  if (value.length > MAX_SEARCH_LENGTH) {
    throw AppError.badInput(`search must be at most ${MAX_SEARCH_LENGTH} characters`);
  }
  return value.toLowerCase();
}

export async function requireTenant(
  manager: EntityManager,
  tenantId: string,
): Promise<{ id: string; name: string; jitProvisioning: boolean; scimEnabled: boolean }> {
  if (!isUuid(tenantId)) throw AppError.badInput('tenantId must be a UUID');
  const [tenant] = await manager.query<
    Array<{ id: string; name: string; jitProvisioning: boolean; scimEnabled: boolean }>
  >(
    `SELECT id, name, jit_provisioning AS "jitProvisioning", scim_enabled AS "scimEnabled" FROM tenant WHERE id = $1`,
    [tenantId],
  );
  if (!tenant) throw AppError.notFound('tenant', tenantId);
  return tenant;
}
