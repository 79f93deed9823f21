import { Module } from '@nestjs/common';

import { OutboxModule } from '../outbox/outbox.module';
import { TenantEvents } from './tenant-events';
import { TenantPurgeProcessor } from './tenant-purge.processor';
import { TenantsResolver } from './tenants.resolver';
import { TenantsService } from './tenants.service';

@Module({
  imports: [OutboxModule],
  providers: [TenantsService, TenantsResolver, TenantEvents, TenantPurgeProcessor],
  exports: [TenantsService, TenantEvents],
})
export class TenantsModule {}
