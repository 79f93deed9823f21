import { UseGuards } from '@nestjs/common';
import { Args, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';

import { AdminActor } from '../../graphql/admin-actor.decorator';
import { UuidPipe } from '../../graphql/scalars';
import { trimmed } from '../../graphql/transforms';
import { ManagementGuard } from '../admin-auth/management.guard';
import { AuditActor } from '../audit/audit.recorder';
import { SessionsService } from './sessions.service';
import { SigningKeys } from './signing-keys';

@InputType()
export class CreateSessionInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId: string;

  @Field({ description: "The user's userName (or an email of theirs)." })
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty({ message: 'loginId must not be empty' })
  @MaxLength(512)
  loginId: string;
}

@ObjectType('SessionTokens')
export class SessionTokensModel {
  @Field()
  sessionJwt: string;

  @Field()
  refreshJwt: string;
}

@ObjectType('Session')
export class SessionModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  userId: string;

  @Field()
  createdAt: Date;

  @Field()
  expiresAt: Date;

  @Field(() => Date, { nullable: true })
  lastRefreshedAt: Date | null;

  @Field({ description: 'A change was flagged that the next refresh will carry.' })
  refreshRequired: boolean;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  @Field(() => String, { nullable: true })
  revokedReason: string | null;
}

@Resolver()
@UseGuards(ManagementGuard)
export class SessionsResolver {
  constructor(
    private readonly service: SessionsService,
    private readonly keys: SigningKeys,
  ) {}

  @Mutation(() => SessionTokensModel, {
    description:
      'Sign-in for internal tooling. Follows the tenant JIT rule: unknown users are refused unless JIT is on.',
  })
  createSession(
    @Args('input') input: CreateSessionInput,
    @AdminActor() actor: AuditActor,
  ): Promise<SessionTokensModel> {
    return this.service.create(input.tenantId, input.loginId, actor);
  }

  @Query(() => [SessionModel], { description: "A user's sessions, newest first (at most 200)." })
  sessions(
    @Args('tenantId', { type: () => ID }, new UuidPipe('tenantId')) tenantId: string,
    @Args('userId', { type: () => ID }, new UuidPipe('userId')) userId: string,
  ): Promise<SessionModel[]> {
    return this.service.list(tenantId, userId);
  }

  @Mutation(() => Int, { description: 'Revokes every live session of the user; returns how many.' })
  revokeSessions(
    @Args('tenantId', { type: () => ID }, new UuidPipe('tenantId')) tenantId: string,
    @Args('userId', { type: () => ID }, new UuidPipe('userId')) userId: string,
    @AdminActor() actor: AuditActor,
  ): Promise<number> {
    return this.service.revokeAll(tenantId, userId, actor);
  }

  @Mutation(() => String, {
    description: 'Retires the JWT signing key for a new one; live sessions stay valid. Returns the new kid.',
  })
  rotateSigningKey(): Promise<string> {
    return this.keys.rotate();
  }
}
