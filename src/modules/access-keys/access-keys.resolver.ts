import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';

import { AdminActor } from '../../graphql/admin-actor.decorator';
import { UuidPipe } from '../../graphql/scalars';
import { ManagementGuard } from '../admin-auth/management.guard';
import { AuditActor } from '../audit/audit.recorder';
import { CreateAccessKeyInput } from './access-key.inputs';
import { AccessKeyModel, CreatedAccessKeyModel } from './access-key.model';
import { AccessKeysService } from './access-keys.service';

@Resolver(() => AccessKeyModel)
@UseGuards(ManagementGuard)
export class AccessKeysResolver {
  constructor(private readonly keys: AccessKeysService) {}

  @Query(() => [AccessKeyModel], { description: "A tenant's access keys, newest first." })
  accessKeys(
    @Args('tenantId', { type: () => ID }, new UuidPipe('tenantId')) tenantId: string,
  ): Promise<AccessKeyModel[]> {
    return this.keys.listForTenant(tenantId);
  }

  @Mutation(() => CreatedAccessKeyModel, {
    description: 'The cleartext is shown once; only its hash is stored.',
  })
  createAccessKey(
    @Args('input') input: CreateAccessKeyInput,
    @AdminActor() actor: AuditActor,
  ): Promise<CreatedAccessKeyModel> {
    return this.keys.create(input, actor);
  }

  @Mutation(() => AccessKeyModel, { description: 'Takes effect at once in every process.' })
  revokeAccessKey(
    @Args('id', { type: () => ID }, new UuidPipe()) id: string,
    @AdminActor() actor: AuditActor,
  ): Promise<AccessKeyModel> {
    return this.keys.revoke(id, actor);
  }

  @Mutation(() => CreatedAccessKeyModel, {
    description: 'Issues a new key; the old one keeps working until oldKeyValidUntil, then expires.',
  })
  rotateAccessKey(
    @Args('id', { type: () => ID }, new UuidPipe()) id: string,
    @Args('oldKeyValidUntil', { type: () => Date }) oldKeyValidUntil: Date,
    @AdminActor() actor: AuditActor,
  ): Promise<CreatedAccessKeyModel> {
    return this.keys.rotate(id, oldKeyValidUntil, actor);
  }
}
