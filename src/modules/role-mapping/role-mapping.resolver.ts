import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';

import { AdminActor } from '../../graphql/admin-actor.decorator';
import { UuidPipe } from '../../graphql/scalars';
import { ManagementGuard } from '../admin-auth/management.guard';
import { AuditActor } from '../audit/audit.recorder';
import {
  CreateRoleInput,
  RoleMappingModel,
  RoleMappingPreviewModel,
  RoleModel,
  SetRoleMappingInput,
  UpdateRoleInput,
} from './role-mapping.models';
import { RoleMappingService } from './role-mapping.service';

@Resolver()
@UseGuards(ManagementGuard)
export class RoleMappingResolver {
  constructor(private readonly service: RoleMappingService) {}

  @Query(() => [RoleModel], { description: 'The role catalogue of the deployment.' })
  roles(): Promise<RoleModel[]> {
    return this.service.listRoles();
  }

  @Mutation(() => RoleModel)
  createRole(@Args('input') input: CreateRoleInput, @AdminActor() actor: AuditActor): Promise<RoleModel> {
    return this.service.createRole(input, actor);
  }

  @Mutation(() => RoleModel, { description: 'A rename flags the sessions of everyone who holds the role.' })
  updateRole(@Args('input') input: UpdateRoleInput, @AdminActor() actor: AuditActor): Promise<RoleModel> {
    return this.service.updateRole(input, actor);
  }

  @Mutation(() => RoleModel, {
    description: 'Removes the role from every mapping; holders lose it on refresh.',
  })
  deleteRole(
    @Args('id', { type: () => ID }, new UuidPipe()) id: string,
    @AdminActor() actor: AuditActor,
  ): Promise<RoleModel> {
    return this.service.deleteRole(id, actor);
  }

  @Query(() => [RoleMappingModel])
  roleMappings(
    @Args('tenantId', { type: () => ID }, new UuidPipe('tenantId')) tenantId: string,
  ): Promise<RoleMappingModel[]> {
    return this.service.listMappings(tenantId);
  }

  @Mutation(() => RoleMappingModel, {
    description:
      'Maps a group (by displayName, case-insensitive; it may not be pushed yet) to exactly these roles.',
  })
  setRoleMapping(
    @Args('input') input: SetRoleMappingInput,
    @AdminActor() actor: AuditActor,
  ): Promise<RoleMappingModel> {
    return this.service.setMapping(input, actor);
  }

  @Mutation(() => RoleMappingModel)
  deleteRoleMapping(
    @Args('tenantId', { type: () => ID }, new UuidPipe('tenantId')) tenantId: string,
    @Args('groupDisplayName') groupDisplayName: string,
    @AdminActor() actor: AuditActor,
  ): Promise<RoleMappingModel> {
    return this.service.deleteMapping(tenantId, groupDisplayName, actor);
  }

  @Query(() => RoleMappingPreviewModel, {
    description: 'Who would gain or lose which roles; changes nothing.',
  })
  previewRoleMapping(
    @Args('tenantId', { type: () => ID }, new UuidPipe('tenantId')) tenantId: string,
    @Args('groupDisplayName') groupDisplayName: string,
    @Args('roles', { type: () => [String] }) roles: string[],
  ): Promise<RoleMappingPreviewModel> {
    return this.service.preview(tenantId, groupDisplayName, roles);
  }
}
