import { z } from 'zod';

/** Values an operator may set; everything the process reads from its environment goes through here. */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_URL: z
      .string({ required_error: 'is required (postgres://user:password@host:port/database)' })
      .url('must be a URL such as postgres://user:password@host:5432/roster')
      .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must start with postgres:// or postgresql://'),
    /**
     * PostgreSQL connections each process may open. More than the cores PostgreSQL has only adds
     * backends that wake in turn: at 16 concurrent lookups on 2 cores, 8 instead of 20 cut
     * PostgreSQL's CPU per lookup by a tenth at the same rate. Processes × this must stay under the
     * server's max_connections.
     */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
    REDIS_URL: z
      .string({ required_error: 'is required (redis://host:port)' })
      .url('must be a URL such as redis://127.0.0.1:6379')
      .refine((value) => /^rediss?:\/\//.test(value), 'must start with redis:// or rediss://'),
    PROJECT_ID: z
      .string({ required_error: 'is required (the first half of every bearer, e.g. P2abc)' })
      .regex(/^[A-Za-z0-9_-]{3,64}$/, 'must be 3-64 letters, digits, "_" or "-" (no ":")'),
    MANAGEMENT_KEY: z
      .string({ required_error: 'is required (at least 32 characters of random secret)' })
      .min(32, 'must be at least 32 characters long'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    PUBLIC_BASE_URL: z.string().url('must be a URL such as https://roster.example.com').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Run BullMQ workers inside the API process (npm start) instead of a separate `node dist/src/worker.js`. */
    RUN_WORKERS_IN_PROCESS: booleanFromEnv.default('false'),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_:-]+$/, 'letters, digits, "_", ":" or "-"')
      .default('roster'),
    ACCESS_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(30_000),
    OUTBOX_POLL_INTERVAL_MS: positiveInt(1_000),
    SCIM_MAX_PAGE_SIZE: positiveInt(1_000),
    SCIM_DEFAULT_PAGE_SIZE: positiveInt(100),
    SCIM_MAX_BULK_OPERATIONS: positiveInt(1_000),
    SCIM_MAX_PAYLOAD_BYTES: positiveInt(1_048_576),
    AUDIT_RETENTION_DAYS: positiveInt(400),
    SHUTDOWN_GRACE_MS: positiveInt(10_000),
    /** Lifetime of a session JWT; its claims are at most this stale. */
    SESSION_TTL_SECONDS: positiveInt(600),
    /** Lifetime of a refresh JWT (and of the session, unless refreshed). */
    REFRESH_TTL_SECONDS: positiveInt(30 * 24 * 3_600),
    /** A new signing key takes over after this many days; old keys keep verifying until their tokens expire. */
    SIGNING_KEY_ROTATION_DAYS: positiveInt(30),
    /**
     * Encrypts the JWT signing keys at rest (at least 32 characters). Defaults to a key derived from
     * MANAGEMENT_KEY; set it separately so the management key can rotate without new signing keys.
     */
    SIGNING_KEY_SECRET: z.string().min(32, 'must be at least 32 characters long').optional(),
  })
  .transform((env) => ({
    ...env,
    PUBLIC_BASE_URL: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
  }));

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; a bad value becomes one line that names the variable and what is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue.path.join('.') || 'environment';
  throw new ConfigError(`Invalid configuration: ${name} ${issue.message}`);
}

export const APP_CONFIG = Symbol('APP_CONFIG');
