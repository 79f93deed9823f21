import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { v7 as timeOrderedUuid } from 'uuid';

import { Tx } from '../../database/unit-of-work';
import { sqlQuery } from '../../persistence/sql-query';
import { AuditEventEntity, AuditOutcome } from './audit-event.entity';

export type AuditCategory = 'SCIMEvent' | 'ManagementEvent' | 'SessionEvent';

/** Who did it, where from: filled by the transport (SCIM guard, GraphQL context). */
export interface AuditActor {
  keyId?: string | null;
  name?: string | null;
  requestId?: string | null;
  userAgent?: string | null;
  sourceIp?: string | null;
}

export interface AuditEventInput {
  tenantId: string | null;
  category: AuditCategory;
  type: string;
  outcome?: AuditOutcome;
  actor?: AuditActor;
  targetId?: string | null;
  targetLogin?: string | null;
  targetEmail?: string | null;
  targetDisplayName?: string | null;
  httpStatus?: number | null;
  scimType?: string | null;
  reason?: string | null;
  changedAttributes?: string[] | null;
  details?: Record<string, unknown> | null;
  /** When it happened; defaults to now (a buffered event keeps the time of its request). */
  occurredAt?: Date;
}

/**
 * The only way into the audit log: write-only, and always inside the caller's transaction, so
 * an event exists exactly when the change it describes does.
 */
@Injectable()
export class AuditRecorder {
  async record(tx: Tx | EntityManager, event: AuditEventInput): Promise<void> {
    const manager = tx instanceof Tx ? tx.manager : tx;
    const { sql, params } = auditInsert(event, 0);
    await sqlQuery(manager, sql, params);
  }
}

/** The audit_event columns every writer fills, in the order of `auditValues`. */
export const AUDIT_COLUMNS = `id, occurred_at, tenant_id, category, type, outcome, actor_key_id, actor_name, target_id,
  target_login, target_email, target_display_name, http_status, scim_type, reason, changed_attributes,
  request_id, user_agent, source_ip, details`;

/**
 * The INSERT of one event as plain SQL (the entity insert builder costs more than the insert), with
 * placeholders from `$offset+1`, so a write can carry its audit row in the same statement.
 */
export function auditInsert(event: AuditEventInput, offset: number): { sql: string; params: unknown[] } {
  const params = auditValues(auditRow(event));
  const placeholders = params.map((_, index) => `$${offset + index + 1}`).join(', ');
  return { sql: `INSERT INTO audit_event (${AUDIT_COLUMNS}) VALUES (${placeholders})`, params };
}

/** A row's values in the order of AUDIT_COLUMNS. */
export function auditValues(row: AuditEventEntity): unknown[] {
  return [
    row.id,
    row.occurredAt,
    row.tenantId,
    row.category,
    row.type,
    row.outcome,
    row.actorKeyId,
    row.actorName,
    row.targetId,
    row.targetLogin,
    row.targetEmail,
    row.targetDisplayName,
    row.httpStatus,
    row.scimType,
    row.reason,
    row.changedAttributes,
    row.requestId,
    row.userAgent,
    row.sourceIp,
    row.details,
  ];
}

/** The row an event becomes; shared by the recorder and the buffered writer. */
export function auditRow(event: AuditEventInput): AuditEventEntity {
  return {
    // Time-ordered (UUIDv7): the primary key's index grows at its right edge instead of taking a
    // random page per event, which made the table's inserts about a fifth cheaper at 3M events.
    id: timeOrderedUuid(),
    occurredAt: event.occurredAt ?? new Date(),
    tenantId: event.tenantId,
    category: event.category,
    type: event.type,
    outcome: event.outcome ?? 'success',
    actorKeyId: event.actor?.keyId ?? null,
    actorName: event.actor?.name ?? null,
    targetId: text(event.targetId, 512),
    targetLogin: text(event.targetLogin, 512),
    targetEmail: text(event.targetEmail, 512),
    targetDisplayName: text(event.targetDisplayName, 512),
    httpStatus: event.httpStatus ?? null,
    scimType: event.scimType ?? null,
    reason: text(event.reason, 1024),
    changedAttributes: event.changedAttributes?.map((name) => storable(name)) ?? null,
    requestId: event.actor?.requestId ?? null,
    userAgent: text(event.actor?.userAgent, 512),
    sourceIp: event.actor?.sourceIp ?? null,
    details: event.details ? (storableJson(event.details) as Record<string, unknown>) : null,
  };
}

const text = (value: string | null | undefined, max: number) =>
  value === null || value === undefined ? null : storable(value.slice(0, max));

/**
 * PostgreSQL text and jsonb refuse U+0000 and unpaired surrogates. A request that carried them
 * is exactly what support needs to see, so they become U+FFFD rather than losing the event.
 */
// eslint-disable-next-line no-control-regex -- matching U+0000 is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// eslint-disable-next-line no-control-regex -- as above: a cheap test for the rare string that needs the replace
const MAYBE_UNSTORABLE = /[\u0000\uD800-\uDFFF]/;

export function storable(value: string): string {
  return MAYBE_UNSTORABLE.test(value) ? value.replace(UNSTORABLE, '\uFFFD') : value;
}

function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storable(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [storable(key), storableJson(inner)]),
    );
  }
  return value;
}
