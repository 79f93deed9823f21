/**
 * Every job the outbox can publish, with its payload. A job name without exactly one handler
 * stops the worker at start-up (see job-worker.ts), so a job can never be published into the void.
 */
export interface JobPayloads {
  /** Removes what a deleted tenant left outside the cascade (its audit events), in batches. */
  'tenant.purge': { tenantId: string };
  /** Something in these users' claims changed: their sessions must refresh. */
  'sessions.flag': { tenantId: string; userIds: string[]; reason: string };
  /** Every member of the group is affected (rename, role mapping change): flag them in batches. */
  'sessions.flag-group-members': { tenantId: string; groupId: string; reason: string };
  /** These users lost access (deactivated or deleted): their sessions can no longer refresh. */
  'sessions.revoke': { tenantId: string; userIds: string[]; reason: string };
}

export type JobName = keyof JobPayloads;

export const JOB_NAMES: readonly JobName[] = [
  'tenant.purge',
  'sessions.flag',
  'sessions.flag-group-members',
  'sessions.revoke',
];

export const QUEUE_NAME = 'jobs';

/** Redis key prefix; the braces are a Redis Cluster hash tag that keeps a queue's keys in one slot. */
export const queuePrefix = (prefix: string) => `{${prefix}}`;

/** Most user ids one job carries; larger sets are split into several outbox rows. */
export const MAX_USERS_PER_JOB = 5_000;
