import { Module } from '@nestjs/common';

import { AccessKeysModule } from '../access-keys/access-keys.module';
import { OutboxModule } from '../outbox/outbox.module';
import { ScimUsersController } from './scim-users.controller';
import { ScimUsersRepository } from './scim-users.repository';
import { ScimUsersService } from './scim-users.service';

@Module({
  imports: [AccessKeysModule, OutboxModule],
  controllers: [ScimUsersController],
  providers: [ScimUsersService, ScimUsersRepository],
  exports: [ScimUsersService, ScimUsersRepository],
})
export class ScimUsersModule {}
