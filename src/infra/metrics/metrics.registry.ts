import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per application instance (tests boot several in one process). */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly queueDepth: Gauge<'state'>;
  readonly outboxPending: Gauge;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'roster_' });
    this.httpRequestDuration = new Histogram({
      name: 'roster_http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status (the count is the request count)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.queueDepth = new Gauge({
      name: 'roster_queue_jobs',
      help: 'BullMQ jobs by state (read at scrape time)',
      labelNames: ['state'],
      registers: [this.registry],
    });
    this.outboxPending = new Gauge({
      name: 'roster_outbox_pending',
      help: 'Outbox rows not yet published to the queue (grows while Redis is down)',
      registers: [this.registry],
    });
  }
}
