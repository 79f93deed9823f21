import { Module } from '@nestjs/common';

import { AccessKeysModule } from '../access-keys/access-keys.module';
import { ScimGroupsModule } from '../scim-groups/scim-groups.module';
import { ScimUsersModule } from '../scim-users/scim-users.module';
import { ScimBulkController } from './scim-bulk.controller';
import { ScimBulkService } from './scim-bulk.service';

@Module({
  imports: [AccessKeysModule, ScimUsersModule, ScimGroupsModule],
  controllers: [ScimBulkController],
  providers: [ScimBulkService],
})
export class ScimBulkModule {}
