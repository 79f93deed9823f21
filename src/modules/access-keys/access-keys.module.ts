import { Module } from '@nestjs/common';

import { TenantsModule } from '../tenants/tenants.module';
import { AccessKeyCache } from './access-key-cache';
import { AccessKeysResolver } from './access-keys.resolver';
import { AccessKeysService } from './access-keys.service';
import { ScimBearerGuard } from './scim-bearer.guard';

/** Owns access keys and the SCIM bearer guard that every SCIM controller uses. */
@Module({
  imports: [TenantsModule],
  providers: [AccessKeysService, AccessKeysResolver, AccessKeyCache, ScimBearerGuard],
  exports: [AccessKeysService, AccessKeyCache, ScimBearerGuard],
})
export class AccessKeysModule {}
