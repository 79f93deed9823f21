import { Module } from '@nestjs/common';

import { OutboxModule } from '../outbox/outbox.module';
import { HealthController } from './health.controller';
import { QueueHealthResolver } from './queue-health.resolver';

@Module({ imports: [OutboxModule], controllers: [HealthController], providers: [QueueHealthResolver] })
export class HealthModule {}
