import { Module } from '@nestjs/common';

import { AccessKeysModule } from '../access-keys/access-keys.module';
import { ScimDiscoveryController } from './scim-discovery.controller';
import { ScimFallbackController } from './scim-fallback.controller';

@Module({ imports: [AccessKeysModule], controllers: [ScimDiscoveryController, ScimFallbackController] })
export class ScimTransportModule {}
