import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { APP_CONFIG, AppConfig } from '../../config/config';

/** pg advisory lock key of audit maintenance: one worker at a time drops or creates partitions. */
const MAINTENANCE_LOCK = 0x61756469; // 'audi'
const PARTITION = /^audit_event_(\d{4})(\d{2})$/;
export const MONTHS_AHEAD = 3;

export interface RetentionOutcome {
  /** False when another worker held the lock: nothing was done. */
  ran: boolean;
  dropped: string[];
  created: string[];
  cutoff: string;
}

const monthStart = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
const addMonths = (date: Date, months: number) =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
const day = (date: Date) => date.toISOString().slice(0, 10);
const partitionName = (month: Date) =>
  `audit_event_${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

/**
 * Keeps the monthly partitions of audit_event: creates the coming months ahead of time (moving
 * rows out of the DEFAULT partition if some landed there), and drops every partition whose whole
 * month is older than AUDIT_RETENTION_DAYS. A partition is dropped only when all its rows are
 * past retention, so an event is kept at least AUDIT_RETENTION_DAYS and at most a month more.
 * Safe with several workers: the work runs under a transaction-scoped advisory lock.
 */
@Injectable()
export class AuditRetentionService {
  private readonly logger = new Logger('AuditRetention');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(now = new Date()): Promise<RetentionOutcome> {
    const cutoff = new Date(now.getTime() - this.config.AUDIT_RETENTION_DAYS * 86_400_000);
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query<Array<{ locked: boolean }>>(
        `SELECT pg_try_advisory_xact_lock($1) AS locked`,
        [MAINTENANCE_LOCK],
      );
      if (!locked) return { ran: false, dropped: [], created: [], cutoff: cutoff.toISOString() };
      // Dropping a partition briefly locks the parent; never queue behind a long query.
      await manager.query(`SET LOCAL lock_timeout = '10s'`);
      const created = await this.createAhead(manager, now);
      const dropped = await this.dropExpired(manager, cutoff);
      // Stray rows in the DEFAULT partition (outside every prepared month) follow the same rule.
      await manager.query(`DELETE FROM audit_event_default WHERE occurred_at < $1`, [cutoff.toISOString()]);
      if (dropped.length > 0 || created.length > 0) {
        this.logger.log(
          `audit partitions: dropped ${dropped.join(', ') || '-'}; created ${created.join(', ') || '-'}`,
        );
      }
      return { ran: true, dropped, created, cutoff: cutoff.toISOString() };
    });
  }

  private async createAhead(manager: EntityManager, now: Date): Promise<string[]> {
    const existing = new Set((await this.partitions(manager)).map((p) => p.name));
    const created: string[] = [];
    for (let i = 0; i <= MONTHS_AHEAD; i++) {
      const start = addMonths(monthStart(now), i);
      const end = addMonths(start, 1);
      const name = partitionName(start);
      if (existing.has(name)) continue;
      const [{ stray }] = await manager.query<Array<{ stray: boolean }>>(
        `SELECT EXISTS (SELECT 1 FROM audit_event_default WHERE occurred_at >= $1 AND occurred_at < $2) AS stray`,
        [day(start), day(end)],
      );
      if (!stray) {
        await manager.query(`SELECT audit_event_ensure_partitions($1::date, 1)`, [day(start)]);
      } else {
        // Rows of that month sit in DEFAULT: move them into the new table, then attach it.
        await manager.query(
          `CREATE TABLE "${name}" (LIKE audit_event INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
        );
        await manager.query(
          `WITH moved AS (DELETE FROM audit_event_default WHERE occurred_at >= $1 AND occurred_at < $2 RETURNING *)
           INSERT INTO "${name}" SELECT * FROM moved`,
          [day(start), day(end)],
        );
        await manager.query(
          `ALTER TABLE audit_event ATTACH PARTITION "${name}" FOR VALUES FROM ('${day(start)}') TO ('${day(end)}')`,
        );
      }
      created.push(name);
    }
    return created;
  }

  private async dropExpired(manager: EntityManager, cutoff: Date): Promise<string[]> {
    const dropped: string[] = [];
    for (const partition of await this.partitions(manager)) {
      const match = PARTITION.exec(partition.name);
      if (!match) continue;
      const end = new Date(Date.UTC(Number(match[1]), Number(match[2]), 1)); // first day of next month
      if (end.getTime() > cutoff.getTime()) continue;
      await manager.query(`DROP TABLE "${partition.name}"`);
      dropped.push(partition.name);
    }
    return dropped;
  }

  private partitions(manager: EntityManager): Promise<Array<{ name: string }>> {
    return manager.query<Array<{ name: string }>>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_event'::regclass ORDER BY c.relname`,
    );
  }
}
