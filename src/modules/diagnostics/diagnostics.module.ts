import { Module } from '@nestjs/common';

import { RoleMappingModule } from '../role-mapping/role-mapping.module';
import { TenantsModule } from '../tenants/tenants.module';
import { DiagnoseUserService } from './diagnose-user.service';
import { DiagnosticsResolver } from './diagnostics.resolver';
import { KeyExpiryMonitor } from './key-expiry.monitor';
import { MaintenanceScheduler } from './maintenance.scheduler';
import { ScimConfigurationService } from './scim-configuration.service';
import { ScimHealthService } from './scim-health.service';

/** Read-mostly tools for support staff over SCIM: configuration, diagnosis, health, key expiry. */
@Module({
  imports: [TenantsModule, RoleMappingModule],
  providers: [
    ScimConfigurationService,
    DiagnoseUserService,
    ScimHealthService,
    KeyExpiryMonitor,
    MaintenanceScheduler,
    DiagnosticsResolver,
  ],
  exports: [KeyExpiryMonitor, DiagnoseUserService, ScimHealthService],
})
export class DiagnosticsModule {}
