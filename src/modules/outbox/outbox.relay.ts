import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';

import { APP_CONFIG, AppConfig } from '../../config/config';
import { JobName } from '../../infra/queue/job-names';
import { JobQueue } from '../../infra/queue/job-queue';
import { QueueMetrics } from '../../infra/queue/queue-metrics';
import { REDIS } from '../../infra/redis/redis.module';

const BATCH_SIZE = 500;
const PUBLISH_TIMEOUT_MS = 3_000;
/** Published rows are kept a day for support, then deleted. */
const KEEP_PUBLISHED = `interval '1 day'`;

interface PendingRow {
  id: string;
  job_name: JobName;
  payload: Record<string, unknown>;
}

/**
 * Publishes pending outbox rows to BullMQ: at once after a commit (kick), and on a timer for
 * whatever a crash or a Redis outage left behind. Rows are claimed with FOR UPDATE SKIP LOCKED,
 * so any number of processes can relay side by side; jobId = outbox id de-duplicates.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private rounds = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    private readonly metrics: QueueMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.kick();
      if (++this.rounds % 60 === 0) void this.deleteOldPublished();
    }, this.config.OUTBOX_POLL_INTERVAL_MS);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Starts a drain, or asks the running one to go round again. Never throws. */
  readonly kick = (): void => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  };

  /** Publishes until nothing is pending; resolves when done (tests and shutdown wait on it). */
  async drain(): Promise<void> {
    try {
      // Skip a round that could only fail; the timer comes back once Redis does.
      if (this.redis.status !== 'ready') return;
      while (!this.stopped && (await this.publishBatch()) === BATCH_SIZE);
    } catch (error) {
      this.metrics.outboxPublishFailures.inc();
      this.logger.warn(`publish failed, rows stay pending: ${(error as Error).message}`);
    }
  }

  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: PendingRow[] = await manager.query(
        `SELECT id, job_name, payload FROM outbox_message
          WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      const ids = rows.map((row) => row.id);
      // If Redis fails here the transaction rolls back and the rows stay pending for the next round.
      await withTimeout(
        this.queue.publish(
          rows.map((row) => ({ id: `outbox-${row.id}`, name: row.job_name, data: row.payload })),
        ),
        PUBLISH_TIMEOUT_MS,
      );
      await manager.query(`UPDATE outbox_message SET published_at = now() WHERE id = ANY($1::bigint[])`, [
        ids,
      ]);
      this.metrics.outboxPublished.inc(rows.length);
      return rows.length;
    });
  }

  private async deleteOldPublished(): Promise<void> {
    try {
      await this.dataSource.query(
        `DELETE FROM outbox_message WHERE id IN (
           SELECT id FROM outbox_message WHERE published_at < now() - ${KEEP_PUBLISHED} LIMIT 10000)`,
      );
    } catch (error) {
      this.logger.warn(`clean-up failed: ${(error as Error).message}`);
    }
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ count: string }>>(
      `SELECT count(*) AS count FROM outbox_message WHERE published_at IS NULL`,
    );
    return Number(row.count);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`queue did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
