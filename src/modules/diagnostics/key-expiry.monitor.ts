import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';

import { UnitOfWork } from '../../database/unit-of-work';
import { MetricsRegistry } from '../../infra/metrics/metrics.registry';
import { AuditRecorder } from '../audit/audit.recorder';
import { ACCESS_KEY_EXPIRED, ACCESS_KEY_EXPIRING } from '../audit/audit-event-types';
import { EXPIRY_WARNING_DAYS } from './key-status';

export interface KeyExpiryOutcome {
  expiring: number;
  expired: number;
  emitted: number;
}

/**
 * Access keys that stop provisioning soon: every key not revoked that expires within 14 days
 * (`access_key.expiring`) or has expired (`access_key.expired`) gets one audit event per
 * condition and expiry date, and the gauge `roster_access_keys_expiring{state}` counts them.
 * Several workers may run it at once: the notice row's primary key decides who emits.
 */
@Injectable()
export class KeyExpiryMonitor {
  private readonly gauge: Gauge<'state'>;
  private readonly emittedCounter: Counter<'condition'>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditRecorder,
    metrics: MetricsRegistry,
  ) {
    this.gauge = new Gauge({
      name: 'roster_access_keys_expiring',
      help: 'Access keys not revoked that expire within 14 days (expiring) or have expired (expired)',
      labelNames: ['state'],
      registers: [metrics.registry],
    });
    this.emittedCounter = new Counter({
      name: 'roster_access_key_expiry_events_total',
      help: 'access_key.expiring / access_key.expired audit events emitted',
      labelNames: ['condition'],
      registers: [metrics.registry],
    });
  }

  async run(now = new Date()): Promise<KeyExpiryOutcome> {
    const keys = await this.dataSource.query<
      Array<{ id: string; tenantId: string; name: string; expiresAt: Date }>
    >(
      `SELECT id, tenant_id AS "tenantId", name, expires_at AS "expiresAt" FROM access_key
        WHERE revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $1::timestamptz + make_interval(days => $2)
        ORDER BY expires_at, id`,
      [now.toISOString(), EXPIRY_WARNING_DAYS],
    );
    const outcome: KeyExpiryOutcome = { expiring: 0, expired: 0, emitted: 0 };
    for (const key of keys) {
      const expired = key.expiresAt.getTime() <= now.getTime();
      const condition = expired ? 'expired' : 'expiring';
      outcome[condition] += 1;
      const emitted = await this.uow.run(async (tx) => {
        const inserted = await tx.manager.query<unknown[]>(
          `INSERT INTO access_key_expiry_notice (tenant_id, key_id, condition, expires_at)
           VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1`,
          [key.tenantId, key.id, condition, key.expiresAt],
        );
        if (inserted.length === 0) return false;
        const daysLeft = Math.round(((key.expiresAt.getTime() - now.getTime()) / 86_400_000) * 10) / 10;
        await this.audit.record(tx, {
          tenantId: key.tenantId,
          category: 'ManagementEvent',
          type: expired ? ACCESS_KEY_EXPIRED : ACCESS_KEY_EXPIRING,
          outcome: 'success',
          actor: { name: 'roster' },
          targetId: key.id,
          targetDisplayName: key.name,
          reason: expired
            ? `the access key expired at ${key.expiresAt.toISOString()}: SCIM pushes with it are refused`
            : `the access key expires at ${key.expiresAt.toISOString()} (in ${daysLeft} days)`,
          details: { expiresAt: key.expiresAt.toISOString(), daysLeft },
        });
        return true;
      });
      if (emitted) {
        outcome.emitted += 1;
        this.emittedCounter.inc({ condition });
      }
    }
    this.gauge.set({ state: 'expiring' }, outcome.expiring);
    this.gauge.set({ state: 'expired' }, outcome.expired);
    return outcome;
  }
}
