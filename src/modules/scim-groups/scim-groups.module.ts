import { Module } from '@nestjs/common';

import { AccessKeysModule } from '../access-keys/access-keys.module';
import { OutboxModule } from '../outbox/outbox.module';
import { GroupEvents } from './group-events';
import { ScimGroupsController } from './scim-groups.controller';
import { ScimGroupsRepository } from './scim-groups.repository';
import { ScimGroupsService } from './scim-groups.service';

@Module({
  imports: [AccessKeysModule, OutboxModule],
  controllers: [ScimGroupsController],
  providers: [ScimGroupsService, ScimGroupsRepository, GroupEvents],
  exports: [ScimGroupsService, ScimGroupsRepository, GroupEvents],
})
export class ScimGroupsModule {}
