import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

import { AuditRetentionService } from '../audit/audit-retention.service';
import { KeyExpiryMonitor } from './key-expiry.monitor';

const FIRST_RUN_MS = 30_000;
const EVERY_MS = 3_600_000;

/**
 * Hourly, in every process: audit partitions (retention, months ahead) and access-key expiry.
 * Several processes are safe: retention runs under an advisory lock and the expiry notices are
 * de-duplicated by their primary key, so a second runner does nothing.
 */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Maintenance');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly retention: AuditRetentionService,
    private readonly keyExpiry: KeyExpiryMonitor,
  ) {}

  onApplicationBootstrap(): void {
    const schedule = (delay: number) => {
      this.timer = setTimeout(() => {
        this.running = this.runOnce().finally(() => schedule(EVERY_MS));
      }, delay);
      this.timer.unref();
    };
    schedule(FIRST_RUN_MS);
  }

  async runOnce(): Promise<void> {
    try {
      await this.retention.run();
    } catch (error) {
      this.logger.error(`audit retention failed: ${(error as Error).message}`);
    }
    try {
      await this.keyExpiry.run();
    } catch (error) {
      this.logger.error(`access key expiry check failed: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
