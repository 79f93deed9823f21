import { Module } from '@nestjs/common';

import { QueueModule } from '../../infra/queue/queue.module';
import { OutboxRelay } from './outbox.relay';
import { Outbox } from './outbox.service';

@Module({
  imports: [QueueModule],
  providers: [Outbox, OutboxRelay],
  exports: [Outbox, OutboxRelay],
})
export class OutboxModule {}
