import 'reflect-metadata';

import { randomBytes } from 'node:crypto';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import pino from 'pino';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { AppConfig, loadConfig } from '../../src/config/config';
import { createHttpApp } from '../../src/http/create-http-app';
import { createRootLogger } from '../../src/infra/logging/logger';
import { QUEUE_NAME, queuePrefix } from '../../src/infra/queue/job-names';
import { redisOptions } from '../../src/infra/redis/redis.module';
import { templateDatabase, testDatabaseUrl, testRedisUrl } from './test-env';

export const TEST_PROJECT_ID = 'Ptest';
export const TEST_MANAGEMENT_KEY = 'test-management-key-0123456789abcdef0123';
export const MANAGEMENT_BEARER = `Bearer ${TEST_PROJECT_ID}:${TEST_MANAGEMENT_KEY}`;

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  db: DataSource;
  http: ReturnType<typeof request>;
  databaseName: string;
  /** POST /graphql with the management bearer; returns the parsed body. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, bearer?: string): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

export interface GqlResult<T> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  redisUrl?: string;
  /** Where the app's log lines go (one JSON line per write), instead of stdout. */
  logDestination?: { write(line: string): void };
}

/** A real Roster on its own cloned database and its own queue prefix, on a real Redis. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseName = `roster_test_f_${Math.floor(Date.now() / 1000)}_${randomBytes(5).toString('hex')}`;
  await createDatabaseFromTemplate(databaseName);
  const config = loadConfig({
    DATABASE_URL: testDatabaseUrl(databaseName),
    REDIS_URL: options.redisUrl ?? testRedisUrl(),
    PROJECT_ID: TEST_PROJECT_ID,
    MANAGEMENT_KEY: TEST_MANAGEMENT_KEY,
    PUBLIC_BASE_URL: 'https://roster.test',
    QUEUE_PREFIX: `test-${databaseName}`,
    RUN_WORKERS_IN_PROCESS: 'true',
    OUTBOX_POLL_INTERVAL_MS: '200',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  // The production logger (its redaction included), writing where the test wants the lines.
  const logger = options.logDestination
    ? createRootLogger(config.LOG_LEVEL, options.logDestination)
    : pino({ level: config.LOG_LEVEL });
  const app = await createHttpApp(config, { runWorker: true, logger });
  const http = request(app.getHttpServer());
  const db = app.get(DataSource);

  return {
    app,
    config,
    db,
    http,
    databaseName,
    async gql(query, variables, bearer = MANAGEMENT_BEARER) {
      const response = await http
        .post('/graphql')
        .set('authorization', bearer)
        .set('content-type', 'application/json')
        .send({ query, variables });
      return { status: response.status, data: response.body?.data, errors: response.body?.errors };
    },
    async close() {
      await app.close();
      await dropDatabase(databaseName);
    },
  };
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testDatabaseUrl('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createDatabaseFromTemplate(name: string): Promise<void> {
  await withAdmin(async (client) => {
    // Two clones of one template at the same instant can collide; a retry settles it.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDatabase()}"`);
        return;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  });
}

async function dropDatabase(name: string): Promise<void> {
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Polls until `probe` returns a truthy value, failing after `timeoutMs`; never sleeps a fixed time. */
export async function eventually<T>(
  probe: () => Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until every outbox row is published and the queue has nothing waiting or running. A flag
 * delivered after a later sign-in would mark that fresh session (harmless, but not what a test
 * that checks `refreshRequired: false` means to see).
 */
export async function jobsSettled(ctx: TestApp, timeoutMs = 10_000): Promise<void> {
  await eventually(
    async () => {
      const [outbox] = await ctx.db.query(
        `SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL`,
      );
      if (outbox.n > 0) return false;
      const health = (await ctx.gql(`{ queueHealth { waiting active delayed } }`)).data?.queueHealth;
      return health !== undefined && health.waiting + health.active + health.delayed === 0;
    },
    timeoutMs,
    'queued jobs to run',
  );
}

/** A BullMQ handle on the test app's own queue, to look at the jobs it publishes; close it after. */
export function appQueue(ctx: TestApp): Queue {
  return new Queue(QUEUE_NAME, {
    prefix: queuePrefix(ctx.config.QUEUE_PREFIX),
    connection: redisOptions(ctx.config.REDIS_URL),
  });
}
