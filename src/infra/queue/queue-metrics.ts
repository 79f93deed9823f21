import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';

import { MetricsRegistry } from '../metrics/metrics.registry';

@Injectable()
export class QueueMetrics {
  readonly jobsProcessed: Counter<'job' | 'outcome'>;
  readonly jobDuration: Histogram<'job'>;
  readonly outboxPublished: Counter;
  readonly outboxPublishFailures: Counter;

  constructor(metrics: MetricsRegistry) {
    this.jobsProcessed = new Counter({
      name: 'roster_jobs_processed_total',
      help: 'Jobs processed by this worker, by job name and outcome',
      labelNames: ['job', 'outcome'],
      registers: [metrics.registry],
    });
    this.jobDuration = new Histogram({
      name: 'roster_job_duration_seconds',
      help: 'Time to process one job',
      labelNames: ['job'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [metrics.registry],
    });
    this.outboxPublished = new Counter({
      name: 'roster_outbox_published_total',
      help: 'Outbox rows published to the queue',
      registers: [metrics.registry],
    });
    this.outboxPublishFailures = new Counter({
      name: 'roster_outbox_publish_failures_total',
      help: 'Relay rounds that could not publish (Redis unreachable); the rows stay pending',
      registers: [metrics.registry],
    });
  }
}
