import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { JobHandler, JobProcessor } from '../../infra/queue/job-handler.decorator';
import { JobPayloads } from '../../infra/queue/job-names';

const BATCH = 5_000;

/**
 * Removes the audit events of a deleted tenant in batches, so no transaction holds locks over
 * millions of rows. Idempotent: a second run finds nothing left. Refuses to purge a live tenant.
 */
@Injectable()
@JobHandler('tenant.purge')
export class TenantPurgeProcessor implements JobProcessor<'tenant.purge'> {
  constructor(private readonly dataSource: DataSource) {}

  async handle({ tenantId }: JobPayloads['tenant.purge']): Promise<void> {
    const [live] = await this.dataSource.query<unknown[]>(`SELECT 1 FROM tenant WHERE id = $1`, [tenantId]);
    if (live) return;
    for (;;) {
      const [, deleted] = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM audit_event WHERE tenant_id = $1 AND (id, occurred_at) IN (
           SELECT id, occurred_at FROM audit_event WHERE tenant_id = $1 LIMIT $2)`,
        [tenantId, BATCH],
      );
      if (deleted < BATCH) return;
    }
  }
}
