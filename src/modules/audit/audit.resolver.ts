import { UseGuards } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';

import { ManagementGuard } from '../admin-auth/management.guard';
import { AuditEventConnection, AuditEventModel, AuditEventsArgs } from './audit.models';
import { AuditQueryService } from './audit-query.service';

@Resolver(() => AuditEventModel)
@UseGuards(ManagementGuard)
export class AuditResolver {
  constructor(private readonly service: AuditQueryService) {}

  @Query(() => AuditEventConnection, {
    description: 'Audit events of one tenant, newest first. Search by email or login ID.',
  })
  auditEvents(@Args() args: AuditEventsArgs): Promise<AuditEventConnection> {
    return this.service.search(args);
  }
}
