import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';

import { APP_CONFIG, AppConfig } from '../../config/config';
import { REDIS, RedisConnections } from '../../infra/redis/redis.module';

/** What the SCIM guard needs to know about a key, in one row. */
export interface CachedAccessKey {
  id: string;
  tenantId: string;
  name: string;
  roles: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  scimEnabled: boolean;
}

interface Entry {
  key: CachedAccessKey | null;
  loadedAt: number;
}

const CHANNEL = 'roster:access-key-invalidate';
/** Unknown hashes are remembered briefly too, so a flood of bad keys does not hit PostgreSQL each time. */
const NEGATIVE_TTL_MS = 2_000;
const MAX_ENTRIES = 10_000;

/**
 * Access keys by secret hash, cached for a few seconds so the guard costs no query per request.
 * A revocation, rotation or tenant change drops the entries here at once, and in every other
 * process through Redis pub/sub; the TTL bounds staleness should a message be lost.
 */
@Injectable()
export class AccessKeyCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AccessKeyCache');
  private readonly entries = new Map<string, Entry>();
  private subscriber?: Redis;

  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: RedisConnections,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.subscriber = this.connections.create('access-key-invalidation', {
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    this.subscriber
      .subscribe(CHANNEL)
      .catch((error: Error) => this.logger.warn(`subscribe: ${error.message}`));
    this.subscriber.on('message', (_channel: string, message: string) => this.dropLocal(message));
  }

  onApplicationShutdown(): void {
    this.entries.clear();
  }

  async findByHash(secretHash: string): Promise<CachedAccessKey | null> {
    const now = Date.now();
    const cached = this.entries.get(secretHash);
    const ttl = cached?.key ? this.config.ACCESS_KEY_CACHE_TTL_MS : NEGATIVE_TTL_MS;
    if (cached && now - cached.loadedAt < ttl) return cached.key;

    const rows = await this.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT k.id, k.tenant_id, k.name, k.roles, k.expires_at, k.revoked_at, t.scim_enabled
         FROM access_key k JOIN tenant t ON t.id = k.tenant_id
        WHERE k.secret_hash = $1`,
      [secretHash],
    );
    const row = rows[0];
    const key: CachedAccessKey | null = row
      ? {
          id: row.id as string,
          tenantId: row.tenant_id as string,
          name: row.name as string,
          roles: row.roles as string[],
          expiresAt: row.expires_at as Date | null,
          revokedAt: row.revoked_at as Date | null,
          scimEnabled: row.scim_enabled as boolean,
        }
      : null;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(secretHash, { key, loadedAt: now });
    return key;
  }

  /** Drops every cached key of a tenant or with this key id, here and in every other process. */
  async invalidate(keyOrTenantId: string): Promise<void> {
    this.dropLocal(keyOrTenantId);
    try {
      await this.redis.publish(CHANNEL, keyOrTenantId);
    } catch (error) {
      this.logger.warn(
        `could not broadcast invalidation (other processes wait for the TTL): ${(error as Error).message}`,
      );
    }
  }

  private dropLocal(keyOrTenantId: string): void {
    for (const [hash, entry] of this.entries) {
      if (entry.key === null || entry.key.id === keyOrTenantId || entry.key.tenantId === keyOrTenantId) {
        this.entries.delete(hash);
      }
    }
  }
}
