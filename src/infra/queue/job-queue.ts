import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';

import { APP_CONFIG, AppConfig } from '../../config/config';
import { redisOptions } from '../redis/redis.module';
import { JobName, QUEUE_NAME, queuePrefix } from './job-names';

export interface QueuedJob {
  id: string;
  name: JobName;
  data: Record<string, unknown>;
}

/** Delivered at least once: retried with exponential back-off, kept a while for inspection. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
};

/** The producing side of BullMQ. Only the outbox relay publishes; nothing enqueues inside a transaction. */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  readonly queue: Queue;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.queue = new Queue(QUEUE_NAME, {
      prefix: queuePrefix(config.QUEUE_PREFIX),
      // The offline queue stays on: with it off, BullMQ's multi-command calls reject outside any
      // promise the caller holds during an outage. Callers check Redis first and bound their waits.
      connection: redisOptions(config.REDIS_URL, { connectionName: 'roster-queue', maxRetriesPerRequest: 1 }),
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    // Connection errors are reported by readiness and the relay; keep them out of unhandled events.
    this.queue.on('error', () => undefined);
  }

  async publish(jobs: QueuedJob[]): Promise<void> {
    await this.queue.addBulk(
      jobs.map((job) => ({ name: job.name, data: job.data, opts: { jobId: job.id } })),
    );
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
