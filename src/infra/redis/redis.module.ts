import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';

import { APP_CONFIG, AppConfig } from '../../config/config';

export const REDIS = Symbol('REDIS');

/** Connection options for every Redis client: commands fail fast when Redis is down. */
export function redisOptions(url: string, overrides: RedisOptions = {}): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...overrides,
  };
}

/** Owns the process's shared Redis connections and closes them on shutdown. */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private readonly clients: Redis[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** `offline: false` makes commands fail at once while disconnected instead of queueing forever. */
  create(name: string, overrides: RedisOptions = {}): Redis {
    const client = new Redis(
      redisOptions(this.config.REDIS_URL, {
        connectionName: `roster-${name}`,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        lazyConnect: false,
        ...overrides,
      }),
    );
    let lastError = '';
    client.on('error', (error: Error) => {
      // One line per distinct failure, not one per reconnect attempt.
      if (error.message !== lastError) this.logger.warn(`${name}: ${error.message}`);
      lastError = error.message;
    });
    client.on('ready', () => (lastError = ''));
    this.clients.push(client);
    return client;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.quit().catch(() => client.disconnect())));
  }
}

@Global()
@Module({
  providers: [
    RedisConnections,
    {
      provide: REDIS,
      inject: [RedisConnections],
      useFactory: (connections: RedisConnections) => connections.create('commands'),
    },
  ],
  exports: [RedisConnections, REDIS],
})
export class RedisModule {}
