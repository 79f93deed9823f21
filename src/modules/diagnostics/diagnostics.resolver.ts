import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';

import { AdminActor } from '../../graphql/admin-actor.decorator';
import { UuidPipe } from '../../graphql/scalars';
import { ManagementGuard } from '../admin-auth/management.guard';
import { AuditActor } from '../audit/audit.recorder';
import { DiagnoseUserService } from './diagnose-user.service';
import {
  ScimConfigurationModel,
  ScimHealthModel,
  ScimHealthOverviewModel,
  UserDiagnosisModel,
} from './diagnostics.models';
import { ScimConfigurationService } from './scim-configuration.service';
import { ScimHealthService } from './scim-health.service';

/** Support staff's SCIM tools: configuration, "why can't this user log in?", IdP health. */
@Resolver()
@UseGuards(ManagementGuard)
export class DiagnosticsResolver {
  constructor(
    private readonly configuration: ScimConfigurationService,
    private readonly diagnoser: DiagnoseUserService,
    private readonly health: ScimHealthService,
  ) {}

  @Query(() => ScimConfigurationModel)
  scimConfiguration(
    @Args('tenantId', { type: () => ID }, new UuidPipe('tenantId')) tenantId: string,
  ): Promise<ScimConfigurationModel> {
    return this.configuration.get(tenantId);
  }

  @Mutation(() => ScimConfigurationModel, { description: 'Enables or disables SCIM for a tenant.' })
  setScimEnabled(
    @Args('tenantId', { type: () => ID }, new UuidPipe('tenantId')) tenantId: string,
    @Args('enabled') enabled: boolean,
    @AdminActor() actor: AuditActor,
  ): Promise<ScimConfigurationModel> {
    return this.configuration.setScimEnabled(tenantId, enabled, actor);
  }

  @Mutation(() => ScimConfigurationModel, { description: 'Turns JIT provisioning on or off for a tenant.' })
  setJitProvisioning(
    @Args('tenantId', { type: () => ID }, new UuidPipe('tenantId')) tenantId: string,
    @Args('enabled') enabled: boolean,
    @AdminActor() actor: AuditActor,
  ): Promise<ScimConfigurationModel> {
    return this.configuration.setJitProvisioning(tenantId, enabled, actor);
  }

  @Query(() => UserDiagnosisModel, { description: 'Why this user can or cannot log in, with the evidence.' })
  diagnoseUser(
    @Args('tenantId', { type: () => ID }, new UuidPipe('tenantId')) tenantId: string,
    @Args('loginId') loginId: string,
  ): Promise<UserDiagnosisModel> {
    return this.diagnoser.diagnose(tenantId, loginId);
  }

  @Query(() => ScimHealthModel)
  scimHealth(
    @Args('tenantId', { type: () => ID }, new UuidPipe('tenantId')) tenantId: string,
  ): Promise<ScimHealthModel> {
    return this.health.tenant(tenantId);
  }

  @Query(() => ScimHealthOverviewModel)
  scimHealthOverview(): Promise<ScimHealthOverviewModel> {
    return this.health.overview();
  }
}
