import { EntityManager } from 'typeorm';

import { PUSH_PREDICATE } from '../audit/audit-event-types';
import { AUDIT_EVENT_COLUMNS, AuditEventRow } from '../audit/audit-query.service';
import { ScimKeyModel, ScimKeyStatusEnum } from './diagnostics.models';
import { KEY_COLUMNS, KeyRow, keyStatus } from './key-status';

/** Shared reads of the diagnostics: every one is within one tenant, on an index. */
export async function tenantKeys(
  manager: EntityManager,
  tenantId: string,
  now: Date,
): Promise<ScimKeyModel[]> {
  const rows = await manager.query<KeyRow[]>(
    `SELECT ${KEY_COLUMNS} FROM access_key k WHERE k.tenant_id = $1 ORDER BY k.created_at DESC, k.id`,
    [tenantId],
  );
  return rows.map((row) => toKeyModel(row, now));
}

export function toKeyModel(row: KeyRow, now: Date): ScimKeyModel {
  const { status, canProvision } = keyStatus(row, now);
  return { ...row, status: ScimKeyStatusEnum[status], canProvision };
}

export async function lastPushAt(manager: EntityManager, tenantId: string): Promise<Date | null> {
  const [row] = await manager.query<Array<{ at: Date }>>(
    `SELECT occurred_at AS at FROM audit_event WHERE tenant_id = $1 AND ${PUSH_PREDICATE}
      ORDER BY occurred_at DESC LIMIT 1`,
    [tenantId],
  );
  return row?.at ?? null;
}

/** The newest SCIM event of the tenant with this outcome (failure reads a small partial index). */
export async function lastScimEvent(
  manager: EntityManager,
  tenantId: string,
  outcome: 'success' | 'failure',
): Promise<AuditEventRow | null> {
  const [row] = await manager.query<AuditEventRow[]>(
    `SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_event
      WHERE tenant_id = $1 AND outcome = $2 AND category = 'SCIMEvent'
      ORDER BY occurred_at DESC LIMIT 1`,
    [tenantId, outcome],
  );
  return row ?? null;
}

/** Failure grouping: the guard's reason code, else the scimType, else the HTTP status. */
export const REASON_CODE = `CASE WHEN type = 'scim.auth.failed' THEN coalesce(reason, 'auth_failed')
  ELSE coalesce(scim_type, 'http_' || coalesce(http_status::text, 'unknown')) END`;
