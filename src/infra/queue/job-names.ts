/**
 * Every job the outbox can publish, with its payload. A job name without exactly one handler
 * stops the worker at start-up (see job-worker.ts), so a job can never be published into the void.
 */
export interface JobPayloads {
  /** Removes what a deleted tenant left outside the cascade (its audit events), in batches. */
  'tenant.purge': { tenantId: string };
}

export type JobName = keyof JobPayloads;

export const JOB_NAMES: readonly JobName[] = ['tenant.purge'];

export const QUEUE_NAME = 'jobs';

/** Redis key prefix; the braces are a Redis Cluster hash tag that keeps a queue's keys in one slot. */
export const queuePrefix = (prefix: string) => `{${prefix}}`;
