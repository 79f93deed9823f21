import { Module } from '@nestjs/common';

import { QueueModule } from '../../infra/queue/queue.module';
import { Outbox } from './outbox.service';
import { OutboxRelay } from './outbox.relay';

@Module({
  imports: [QueueModule],
  providers: [Outbox, OutboxRelay],
  exports: [Outbox, OutboxRelay],
})
export class OutboxModule {}
