import { Module } from '@nestjs/common';

import {
  FlagGroupMembersProcessor,
  FlagSessionsProcessor,
  RevokeSessionsProcessor,
} from './session-flag.processors';

@Module({ providers: [FlagSessionsProcessor, FlagGroupMembersProcessor, RevokeSessionsProcessor] })
export class SessionsModule {}
