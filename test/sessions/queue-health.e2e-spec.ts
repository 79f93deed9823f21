import { Queue } from 'bullmq';

import { DEFAULT_JOB_OPTIONS } from '../../src/infra/queue/job-queue';
import { appQueue, eventually, startTestApp, TestApp } from '../support/test-app';

describe('job failures are retried and visible', () => {
  let ctx: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    ctx = await startTestApp();
    queue = appQueue(ctx);
  });
  afterAll(async () => {
    await queue.close();
    await ctx.close();
  });

  it('publishes with retries and exponential back-off by default', () => {
    expect(DEFAULT_JOB_OPTIONS.attempts).toBeGreaterThanOrEqual(5);
    expect(DEFAULT_JOB_OPTIONS.backoff).toEqual(expect.objectContaining({ type: 'exponential' }));
  });

  it('retries a failing job, then shows it in queueHealth and in the metrics', async () => {
    // A payload PostgreSQL refuses (not a UUID): the handler fails every time.
    await queue.add(
      'sessions.flag',
      { tenantId: 'not-a-uuid', userIds: ['nope'], reason: 'test' },
      { jobId: 'failing-job', attempts: 3, backoff: { type: 'exponential', delay: 50 } },
    );
    const failed = await eventually(
      async () => {
        const job = await queue.getJob('failing-job');
        return job?.finishedOn && job.attemptsMade === 3 ? job : undefined;
      },
      15_000,
      'three attempts',
    );
    expect(failed.failedReason).toBeTruthy();

    const health = await ctx.gql(
      `{ queueHealth { redisReachable failed recentFailures { id name attemptsMade failedReason } } }`,
    );
    expect(health.data.queueHealth.redisReachable).toBe(true);
    expect(health.data.queueHealth.failed).toBeGreaterThanOrEqual(1);
    expect(health.data.queueHealth.recentFailures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'failing-job', name: 'sessions.flag', attemptsMade: 3 }),
      ]),
    );
    const metrics = await ctx.http.get('/metrics');
    expect(metrics.text).toMatch(/roster_jobs_processed_total\{job="sessions.flag",outcome="failed"\} 3/);
    expect(metrics.text).toMatch(/roster_queue_jobs\{state="failed"\} [1-9]/);
  });
});
