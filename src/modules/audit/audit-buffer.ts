import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';

import { MetricsRegistry } from '../../infra/metrics/metrics.registry';
import { copyRows } from '../../persistence/copy-rows';
import { copyLine } from '../../persistence/copy-text';
import { sqlQuery } from '../../persistence/sql-query';
import { AUDIT_COLUMNS, AuditEventInput, auditRow, auditValues } from './audit.recorder';

/** A buffered event may name a SCIM resource whose userName/displayName is filled in at write time. */
export interface BufferedAuditEvent extends AuditEventInput {
  /** The SCIM resource (by id, of the event's tenant) to take target login/email/display name from. */
  lookup?: { resourceType: 'User' | 'Group'; id: string };
}

const FLUSH_EVERY_MS = 100;
const FLUSH_AT = 200;
/** Past this many pending events the request waits for a flush: never drop, never grow unbounded. */
const MAX_PENDING = 5_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Events waiting for the next write, already in the form they are written in: a read's event
 * becomes its row when it arrives, so a flush has nothing left to build (building 200 rows at
 * once held the event loop while requests waited) and nothing but a string outlives the request.
 */
class PendingBatch {
  /** Events that name their target: COPY text, one line each. */
  copyText = '';
  copyCount = 0;
  /** Events that take their target's names from the resource: rows for jsonb_to_recordset. */
  readonly lookedUp: Array<Record<string, unknown>> = [];

  /** Events not yet written (a retry leaves out the COPY part once it is in). */
  get size(): number {
    return this.copyCount + this.lookedUp.length;
  }

  add(event: BufferedAuditEvent): void {
    const lookupId = event.lookup && UUID.test(event.lookup.id) ? event.lookup.id.toLowerCase() : null;
    const row = auditRow(event);
    if (lookupId === null) {
      this.copyText += copyLine(auditValues(row));
      this.copyCount++;
      return;
    }
    // The row is fresh: completed in place rather than copied (JSON writes its Date as ISO).
    const json = row as unknown as Record<string, unknown>;
    json.lookupType = event.lookup?.resourceType;
    json.lookupId = lookupId;
    this.lookedUp.push(json);
  }
}

/**
 * Writes audit events that describe no change (SCIM reads) off the request path: events are
 * collected for at most 100 ms and written with one statement or two (see `insert`), so a read
 * costs the IdP no extra round trip and the database one write per batch instead of one per request.
 * The buffer is flushed on shutdown; what a crash (SIGKILL) can lose is at most one batch of
 * read events, never a change (changes are recorded in their own transaction by AuditRecorder).
 */
@Injectable()
export class AuditBuffer implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditBuffer');
  private pending = new PendingBatch();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly written: Counter<'outcome'>;

  constructor(
    private readonly dataSource: DataSource,
    metrics: MetricsRegistry,
  ) {
    this.written = new Counter({
      name: 'roster_audit_buffered_events_total',
      help: 'Audit events written through the buffer (reads), by outcome (written or dropped)',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
  }

  /** Queues the event; resolves at once unless the buffer is full (then once it has room). */
  async add(event: BufferedAuditEvent): Promise<void> {
    this.pending.add(event);
    if (this.pending.size >= MAX_PENDING) {
      await this.flush();
      return;
    }
    if (this.pending.size >= FLUSH_AT) {
      void this.flush();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
      this.timer.unref();
    }
  }

  /** Writes everything queued so far (tests and shutdown call it); batches are written in order. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.pending;
    this.pending = new PendingBatch();
    this.flushing = this.flushing.then(() => (batch.size > 0 ? this.write(batch) : undefined));
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private async write(batch: PendingBatch): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.insert(batch);
        return;
      } catch (error) {
        if (attempt >= 3 || !this.dataSource.isInitialized) {
          this.written.inc({ outcome: 'dropped' }, batch.size);
          this.logger.error(`dropped ${batch.size} audit events: ${(error as Error).message}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  /**
   * Events that name their target already (a filtered list names the userName it looked for)
   * are loaded with COPY, the cheapest way into PostgreSQL. Events that must take their target's
   * names from the resource (a GET by id) go through an INSERT that joins the resource as it is
   * at write time.
   */
  private async insert(batch: PendingBatch): Promise<void> {
    if (batch.copyText !== '') {
      await copyRows(this.dataSource, `COPY audit_event (${AUDIT_COLUMNS}) FROM STDIN`, batch.copyText);
      // Written: a retry after the INSERT below fails must not load these rows twice.
      this.written.inc({ outcome: 'written' }, batch.copyCount);
      batch.copyText = '';
      batch.copyCount = 0;
    }
    if (batch.lookedUp.length > 0) {
      await this.insertLookingUp(batch.lookedUp);
      this.written.inc({ outcome: 'written' }, batch.lookedUp.length);
    }
  }

  private async insertLookingUp(rows: Array<Record<string, unknown>>): Promise<void> {
    await sqlQuery(
      this.dataSource.manager,
      `INSERT INTO audit_event (${AUDIT_COLUMNS})
       SELECT e."id", e."occurredAt", e."tenantId", e."category", e."type", e."outcome", e."actorKeyId",
              e."actorName", e."targetId",
              coalesce(e."targetLogin", u.user_name),
              coalesce(e."targetEmail", u.primary_email),
              coalesce(e."targetDisplayName", u.display_name, g.display_name),
              e."httpStatus", e."scimType", e."reason", e."changedAttributes", e."requestId",
              e."userAgent", e."sourceIp", e."details"
         FROM jsonb_to_recordset($1::jsonb) AS e(
              "id" uuid, "occurredAt" timestamptz, "tenantId" uuid, "category" text, "type" text,
              "outcome" text, "actorKeyId" uuid, "actorName" text, "targetId" text, "targetLogin" text,
              "targetEmail" text, "targetDisplayName" text, "httpStatus" smallint, "scimType" text,
              "reason" text, "changedAttributes" text[], "requestId" text, "userAgent" text,
              "sourceIp" text, "details" jsonb, "lookupType" text, "lookupId" uuid)
         LEFT JOIN scim_user u
           ON e."lookupType" = 'User' AND u.tenant_id = e."tenantId" AND u.id = e."lookupId"
         LEFT JOIN scim_group g
           ON e."lookupType" = 'Group' AND g.tenant_id = e."tenantId" AND g.id = e."lookupId"`,
      [JSON.stringify(rows)],
    );
  }
}
