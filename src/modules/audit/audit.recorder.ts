import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { Tx } from '../../database/unit-of-work';
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
    await manager.insert(AuditEventEntity, auditRow(event) as QueryDeepPartialEntity<AuditEventEntity>);
  }
}

/** The row an event becomes; shared by the recorder and the buffered writer. */
export function auditRow(event: AuditEventInput): AuditEventEntity {
  return {
    id: randomUUID(),
    occurredAt: event.occurredAt ?? new Date(),
    tenantId: event.tenantId,
    category: event.category,
    type: event.type,
    outcome: event.outcome ?? 'success',
    actorKeyId: event.actor?.keyId ?? null,
    actorName: event.actor?.name ?? null,
    targetId: event.targetId ?? null,
    targetLogin: truncate(event.targetLogin, 512),
    targetEmail: truncate(event.targetEmail, 512),
    targetDisplayName: truncate(event.targetDisplayName, 512),
    httpStatus: event.httpStatus ?? null,
    scimType: event.scimType ?? null,
    reason: truncate(event.reason, 1024),
    changedAttributes: event.changedAttributes ?? null,
    requestId: event.actor?.requestId ?? null,
    userAgent: truncate(event.actor?.userAgent, 512),
    sourceIp: event.actor?.sourceIp ?? null,
    details: event.details ?? null,
  };
}

const truncate = (value: string | null | undefined, max: number) =>
  value === null || value === undefined ? null : value.slice(0, max);
