import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

import { MetricsModule } from '../metrics/metrics.module';
import { JobQueue } from './job-queue';
import { JobWorker, RUN_WORKER } from './job-worker';
import { QueueMetrics } from './queue-metrics';

/** The queue (producer) everywhere; the worker consumes only where `runWorker` is true. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(runWorker: boolean): DynamicModule {
    return {
      module: QueueModule,
      imports: [DiscoveryModule, MetricsModule],
      providers: [JobQueue, JobWorker, QueueMetrics, { provide: RUN_WORKER, useValue: runWorker }],
      exports: [JobQueue, QueueMetrics],
    };
  }
}
