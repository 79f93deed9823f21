import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';

import { AdminActor } from '../../graphql/admin-actor.decorator';
import { UuidPipe } from '../../graphql/scalars';
import { ManagementGuard } from '../admin-auth/management.guard';
import { AuditActor } from '../audit/audit.recorder';
import { CreateTenantInput, UpdateTenantInput } from './tenant.inputs';
import { TenantConnection, TenantModel } from './tenant.model';
import { TenantsService } from './tenants.service';

@Resolver(() => TenantModel)
@UseGuards(ManagementGuard)
export class TenantsResolver {
  constructor(private readonly service: TenantsService) {}

  @Query(() => TenantModel)
  tenant(@Args('id', { type: () => ID }, new UuidPipe()) id: string): Promise<TenantModel> {
    return this.service.get(id);
  }

  @Query(() => TenantConnection)
  tenants(
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<TenantConnection> {
    return this.service.list(first, after);
  }

  @Mutation(() => TenantModel)
  createTenant(
    @Args('input') input: CreateTenantInput,
    @AdminActor() actor: AuditActor,
  ): Promise<TenantModel> {
    return this.service.create(input, actor);
  }

  @Mutation(() => TenantModel)
  updateTenant(
    @Args('input') input: UpdateTenantInput,
    @AdminActor() actor: AuditActor,
  ): Promise<TenantModel> {
    return this.service.update(input, actor);
  }

  @Mutation(() => TenantModel, { description: 'Deletes the tenant and all of its data.' })
  deleteTenant(
    @Args('id', { type: () => ID }, new UuidPipe()) id: string,
    @AdminActor() actor: AuditActor,
  ): Promise<TenantModel> {
    return this.service.delete(id, actor);
  }
}
