import { Controller, Get, Inject, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';

import { MetricsRegistry } from '../../infra/metrics/metrics.registry';
import { JobQueue } from '../../infra/queue/job-queue';
import { REDIS } from '../../infra/redis/redis.module';
import { Public } from '../admin-auth/public.decorator';
import { OutboxRelay } from '../outbox/outbox.relay';

const CHECK_TIMEOUT_MS = 1_500;

@Controller()
@Public('probes and metrics are scraped by the platform, on the internal network')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly metrics: MetricsRegistry,
    private readonly queue: JobQueue,
    private readonly relay: OutboxRelay,
  ) {}

  /** The process lives and its event loop turns. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready for traffic: PostgreSQL and Redis both answer. */
  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const [postgres, redis] = await Promise.all([
      check(async () => void (await this.dataSource.query('SELECT 1'))),
      check(async () => void (await this.redis.ping())),
    ]);
    const ready = postgres === 'ok' && redis === 'ok';
    await reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', checks: { postgres, redis } });
  }

  @Get('metrics')
  async metricsText(@Res() reply: FastifyReply): Promise<void> {
    await this.collectQueueGauges();
    await reply
      .header('content-type', this.metrics.registry.contentType)
      .send(await this.metrics.registry.metrics());
  }

  private async collectQueueGauges(): Promise<void> {
    const [counts, pending] = await Promise.all([
      // Only while Redis is up: queue calls during an outage would wait for the reconnect.
      this.redis.status === 'ready'
        ? check(() => this.queue.counts())
        : Promise.resolve('redis not connected'),
      check(() => this.relay.pendingCount()),
    ]);
    if (typeof counts === 'object') {
      for (const [state, value] of Object.entries(counts)) this.metrics.queueDepth.set({ state }, value);
    }
    if (typeof pending === 'number') this.metrics.outboxPending.set(pending);
  }
}

async function check<T>(probe: () => Promise<T>): Promise<T | string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
    });
    const result = await Promise.race([probe(), timeout]);
    return result === undefined ? 'ok' : result;
  } catch (error) {
    return `failed: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}
