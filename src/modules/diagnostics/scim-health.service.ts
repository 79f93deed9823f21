import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { PUSH_PREDICATE } from '../audit/audit-event-types';
import { requireTenant, toAuditEventModel } from '../audit/audit-query.service';
import {
  FailureReasonCountModel,
  ScimHealthModel,
  ScimHealthOverviewModel,
  ScimKeyStatusEnum,
} from './diagnostics.models';
import { EXPIRY_WARNING_DAYS, KEY_COLUMNS, KeyRow } from './key-status';
import { lastPushAt, lastScimEvent, REASON_CODE, tenantKeys, toKeyModel } from './scim-queries';

const DAY = 86_400_000;
const OVERVIEW_LIMIT = 500;

/** Is the IdP of a tenant (or of any tenant) pushing, and is it being refused? */
@Injectable()
export class ScimHealthService {
  constructor(private readonly dataSource: DataSource) {}

  async tenant(tenantId: string): Promise<ScimHealthModel> {
    const manager = this.dataSource.manager;
    const tenant = await requireTenant(manager, tenantId);
    const now = new Date();
    const since = new Date(now.getTime() - DAY);
    const [success, failure, pushAt, counts, reasons, keys] = await Promise.all([
      lastScimEvent(manager, tenantId, 'success'),
      lastScimEvent(manager, tenantId, 'failure'),
      lastPushAt(manager, tenantId),
      this.counts(manager, since, tenantId),
      this.reasons(manager, since, tenantId),
      tenantKeys(manager, tenantId, now),
    ]);
    return {
      tenantId: tenant.id,
      tenantName: tenant.name,
      scimEnabled: tenant.scimEnabled,
      lastSuccess: success && toAuditEventModel(success),
      lastFailure: failure && toAuditEventModel(failure),
      lastPushAt: pushAt,
      ...counts,
      failuresByReason24h: reasons,
      expiringKeys: keys.filter(
        (key) => key.status === ScimKeyStatusEnum.EXPIRING_SOON || key.status === ScimKeyStatusEnum.EXPIRED,
      ),
      noPushIn7Days: !pushAt || pushAt.getTime() < now.getTime() - 7 * DAY,
    };
  }

  async overview(): Promise<ScimHealthOverviewModel> {
    const manager = this.dataSource.manager;
    const now = new Date();
    const since = new Date(now.getTime() - DAY);
    const [counts, reasons, keys, quiet] = await Promise.all([
      this.counts(manager, since),
      this.reasons(manager, since),
      manager.query<KeyRow[]>(
        `SELECT ${KEY_COLUMNS}, t.name AS "tenantName" FROM access_key k JOIN tenant t ON t.id = k.tenant_id
          WHERE k.revoked_at IS NULL AND k.expires_at IS NOT NULL
            AND k.expires_at <= now() + make_interval(days => $1)
          ORDER BY k.expires_at, k.id LIMIT $2`,
        [EXPIRY_WARNING_DAYS, OVERVIEW_LIMIT],
      ),
      // Per tenant, one probe of the push index bounded to 7 days; then the last push of the quiet ones.
      manager.query<Array<{ tenantId: string; tenantName: string; lastPushAt: Date | null }>>(
        `SELECT t.id AS "tenantId", t.name AS "tenantName",
                (SELECT max(e.occurred_at) FROM audit_event e WHERE e.tenant_id = t.id AND ${PUSH_PREDICATE}) AS "lastPushAt"
           FROM tenant t
          WHERE t.scim_enabled
            AND NOT EXISTS (SELECT 1 FROM audit_event e
                             WHERE e.tenant_id = t.id AND e.occurred_at > now() - interval '7 days'
                               AND ${PUSH_PREDICATE})
          ORDER BY 3 ASC NULLS FIRST, t.id
          LIMIT $1`,
        [OVERVIEW_LIMIT],
      ),
    ]);
    return {
      generatedAt: now,
      ...counts,
      failuresByReason24h: reasons,
      keysExpiringSoon: keys.map((key) => toKeyModel(key, now)),
      tenantsWithoutPushIn7Days: quiet,
    };
  }

  private async counts(
    manager: EntityManager,
    since: Date,
    tenantId?: string,
  ): Promise<{ requests24h: number; failures24h: number; failureRate24h: number }> {
    const [row] = await manager.query<Array<{ requests: number; failures: number }>>(
      `SELECT count(*)::int AS requests, count(*) FILTER (WHERE outcome = 'failure')::int AS failures
         FROM audit_event
        WHERE category = 'SCIMEvent' AND occurred_at >= $1 ${tenantId ? 'AND tenant_id = $2' : ''}`,
      tenantId ? [since.toISOString(), tenantId] : [since.toISOString()],
    );
    return {
      requests24h: row.requests,
      failures24h: row.failures,
      failureRate24h: row.requests === 0 ? 0 : row.failures / row.requests,
    };
  }

  private reasons(
    manager: EntityManager,
    since: Date,
    tenantId?: string,
  ): Promise<FailureReasonCountModel[]> {
    return manager.query<FailureReasonCountModel[]>(
      `SELECT ${REASON_CODE} AS reason, count(*)::int AS count FROM audit_event
        WHERE outcome = 'failure' AND category = 'SCIMEvent' AND occurred_at >= $1
              ${tenantId ? 'AND tenant_id = $2' : ''}
        GROUP BY 1 ORDER BY 2 DESC, 1`,
      tenantId ? [since.toISOString(), tenantId] : [since.toISOString()],
    );
  }
}
