import { Module } from '@nestjs/common';

import { RoleMappingModule } from '../role-mapping/role-mapping.module';
import { ScimUsersModule } from '../scim-users/scim-users.module';
import { AuthController } from './auth.controller';
import {
  FlagGroupMembersProcessor,
  FlagSessionsProcessor,
  RevokeSessionsProcessor,
} from './session-flag.processors';
import { SessionTokens } from './session-tokens';
import { SessionsResolver } from './sessions.resolver';
import { SessionsService } from './sessions.service';
import { SigningKeys } from './signing-keys';

/** Sessions and their JWTs, and the workers that flag or revoke them when the IdP changes a user. */
@Module({
  imports: [RoleMappingModule, ScimUsersModule],
  controllers: [AuthController],
  providers: [
    SessionsService,
    SessionTokens,
    SigningKeys,
    SessionsResolver,
    FlagSessionsProcessor,
    FlagGroupMembersProcessor,
    RevokeSessionsProcessor,
  ],
})
export class SessionsModule {}
