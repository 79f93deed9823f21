import { Module } from '@nestjs/common';

import { AccessKeysModule } from '../access-keys/access-keys.module';
import { ScimFallbackController } from './scim-fallback.controller';

@Module({ imports: [AccessKeysModule], controllers: [ScimFallbackController] })
export class ScimTransportModule {}
