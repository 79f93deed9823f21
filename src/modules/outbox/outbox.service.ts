import { Injectable } from '@nestjs/common';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { Tx } from '../../database/unit-of-work';
import { JobName, JobPayloads } from '../../infra/queue/job-names';
import { OutboxRelay } from './outbox.relay';
import { OutboxMessageEntity } from './outbox-message.entity';

/** Writes jobs into the caller's transaction; the relay publishes them once it commits. */
@Injectable()
export class Outbox {
  constructor(private readonly relay: OutboxRelay) {}

  async add<N extends JobName>(
    tx: Tx,
    jobName: N,
    payload: JobPayloads[N],
    tenantId: string | null,
  ): Promise<void> {
    const row = { jobName, payload, tenantId } as QueryDeepPartialEntity<OutboxMessageEntity>;
    await tx.manager.insert(OutboxMessageEntity, row);
    tx.afterCommit(this.relay.kick);
  }
}
