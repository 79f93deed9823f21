import { Module } from '@nestjs/common';

import { OutboxModule } from '../outbox/outbox.module';
import { ScimGroupsModule } from '../scim-groups/scim-groups.module';
import { RoleMappingResolver } from './role-mapping.resolver';
import { RoleMappingService } from './role-mapping.service';

@Module({
  imports: [OutboxModule, ScimGroupsModule],
  providers: [RoleMappingService, RoleMappingResolver],
  exports: [RoleMappingService],
})
export class RoleMappingModule {}
