import { Inject, UseGuards } from '@nestjs/common';
import { Field, Float, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';

import { JobQueue } from '../../infra/queue/job-queue';
import { REDIS } from '../../infra/redis/redis.module';
import { ManagementGuard } from '../admin-auth/management.guard';

@ObjectType('FailedJob')
export class FailedJobModel {
  @Field()
  id: string;

  @Field()
  name: string;

  @Field()
  failedReason: string;

  @Field(() => Int)
  attemptsMade: number;

  @Field(() => Date, { nullable: true })
  failedAt: Date | null;
}

@ObjectType('QueueHealth')
export class QueueHealthModel {
  @Field({ description: 'Redis answered; false means jobs wait in the outbox until it is back.' })
  redisReachable: boolean;

  @Field(() => Int)
  waiting: number;

  @Field(() => Int)
  active: number;

  @Field(() => Int)
  delayed: number;

  @Field(() => Int, { description: 'Jobs that ran out of retries (kept 7 days).' })
  failed: number;

  @Field(() => Int, { description: 'Outbox rows not yet handed to the queue.' })
  outboxPending: number;

  @Field(() => Float, { nullable: true, description: 'Age of the oldest unpublished outbox row.' })
  oldestPendingSeconds: number | null;

  @Field(() => [FailedJobModel], { description: 'The most recent failures, newest first.' })
  recentFailures: FailedJobModel[];
}

/** What an operator checks when "role changes do not show up": the queue and the outbox behind it. */
@Resolver()
@UseGuards(ManagementGuard)
export class QueueHealthResolver {
  constructor(
    private readonly queue: JobQueue,
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Query(() => QueueHealthModel)
  async queueHealth(): Promise<QueueHealthModel> {
    const [outbox] = await this.dataSource.query<Array<{ pending: number; oldest: number | null }>>(
      `SELECT count(*)::int AS pending, extract(epoch FROM now() - min(created_at))::float AS oldest
         FROM outbox_message WHERE published_at IS NULL`,
    );
    try {
      if (this.redis.status !== 'ready') throw new Error('Redis is not connected');
      const counts = await this.queue.counts();
      const failures = await this.queue.queue.getFailed(0, 19);
      return {
        redisReachable: true,
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
        outboxPending: outbox.pending,
        oldestPendingSeconds: outbox.oldest,
        recentFailures: failures.map((job) => ({
          id: job.id ?? '',
          name: job.name,
          failedReason: job.failedReason ?? '',
          attemptsMade: job.attemptsMade,
          failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
        })),
      };
    } catch {
      return {
        redisReachable: false,
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
        outboxPending: outbox.pending,
        oldestPendingSeconds: outbox.oldest,
        recentFailures: [],
      };
    }
  }
}
