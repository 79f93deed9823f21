import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { Job, Worker } from 'bullmq';

import { APP_CONFIG, AppConfig } from '../../config/config';
import { redisOptions } from '../redis/redis.module';
import { JOB_HANDLER, JobProcessor } from './job-handler.decorator';
import { JOB_NAMES, JobName, QUEUE_NAME, queuePrefix } from './job-names';
import { QueueMetrics } from './queue-metrics';

export const RUN_WORKER = Symbol('RUN_WORKER');

/** Finds the one handler of every job name; a missing or doubled handler is a start-up error. */
export function resolveHandlers(
  found: Array<{ name: JobName; handler: JobProcessor<JobName> }>,
): Map<JobName, JobProcessor<JobName>> {
  const handlers = new Map<JobName, JobProcessor<JobName>>();
  for (const { name, handler } of found) {
    if (handlers.has(name)) throw new Error(`job "${name}" has two handlers`);
    handlers.set(name, handler);
  }
  const missing = JOB_NAMES.filter((name) => !handlers.has(name));
  if (missing.length > 0) throw new Error(`jobs without a handler: ${missing.join(', ')}`);
  return handlers;
}

/** The consuming side of BullMQ: runs in src/worker.ts, or in the API process under `npm start`. */
@Injectable()
export class JobWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('JobWorker');
  private worker?: Worker;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUN_WORKER) private readonly enabled: boolean,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly metrics: QueueMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const found = this.discovery
      .getProviders()
      .filter((wrapper) => wrapper.metatype && wrapper.instance)
      .map((wrapper) => ({
        name: this.reflector.get<JobName | undefined>(JOB_HANDLER, wrapper.metatype as object as () => void),
        handler: wrapper.instance as JobProcessor<JobName>,
      }))
      .filter(
        (entry): entry is { name: JobName; handler: JobProcessor<JobName> } => entry.name !== undefined,
      );
    const handlers = resolveHandlers(found);
    if (!this.enabled) return;

    this.worker = new Worker(
      QUEUE_NAME,
      async (job: Job) => {
        const handler = handlers.get(job.name as JobName);
        if (!handler) throw new Error(`no handler for job ${job.name}`);
        const stop = this.metrics.jobDuration.startTimer({ job: job.name });
        try {
          await handler.handle(job.data as never, { jobId: job.id ?? '', attempt: job.attemptsMade + 1 });
          this.metrics.jobsProcessed.inc({ job: job.name, outcome: 'completed' });
        } catch (error) {
          this.metrics.jobsProcessed.inc({ job: job.name, outcome: 'failed' });
          throw error;
        } finally {
          stop();
        }
      },
      {
        prefix: queuePrefix(this.config.QUEUE_PREFIX),
        connection: redisOptions(this.config.REDIS_URL, {
          connectionName: 'roster-worker',
          maxRetriesPerRequest: null,
        }),
        concurrency: 8,
      },
    );
    this.worker.on('failed', (job, error) =>
      this.logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`),
    );
    this.worker.on('error', (error) => this.logger.warn(`worker: ${error.message}`));
    this.logger.log(`processing ${JOB_NAMES.join(', ')}`);
  }

  /** Graceful: lets running jobs finish, takes no new ones. */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
