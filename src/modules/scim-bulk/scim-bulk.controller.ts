import { Body, Controller, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';

import { APP_CONFIG, AppConfig } from '../../config/config';
import {
  GROUP_RESOURCE_TYPE,
  ListQuery,
  listResponse,
  parseSearchRequest,
  projectResource,
  ScimError,
  ScimResource,
  USER_RESOURCE_TYPE,
} from '../../scim';
import { ScimBearerGuard } from '../access-keys/scim-bearer.guard';
import { CurrentScimPrincipal, ScimPrincipal } from '../access-keys/scim-principal';
import { ScimGroupsService } from '../scim-groups/scim-groups.service';
import { caller } from '../scim-transport/scim-caller';
import { queryOptions } from '../scim-transport/scim-query';
import { sendScim } from '../scim-transport/scim-reply';
import { ScimUsersService } from '../scim-users/scim-users.service';
import { ScimBulkService } from './scim-bulk.service';

/** The endpoints that span resource types: /Bulk and the root /.search. */
@Controller('scim/v2')
@UseGuards(ScimBearerGuard)
export class ScimBulkController {
  constructor(
    private readonly bulk: ScimBulkService,
    private readonly users: ScimUsersService,
    private readonly groups: ScimGroupsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('Bulk')
  async runBulk(
    @CurrentScimPrincipal() principal: ScimPrincipal,
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendScim(reply, 200, await this.bulk.run(caller(principal, request), body));
  }

  /**
   * RFC 7644 §3.4.3 search from the root: Users, then Groups, as one paged list. A filter that
   * names attributes of only one type selects from that type alone.
   */
  @Post('.search')
  async search(
    @CurrentScimPrincipal() principal: ScimPrincipal,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const options = queryOptions(this.config);
    const forType = (rt: typeof USER_RESOURCE_TYPE): ListQuery | undefined => {
      try {
        return parseSearchRequest(body, rt, options);
      } catch (error) {
        if (error instanceof ScimError && error.scimType === 'invalidFilter') return undefined;
        throw error;
      }
    };
    const userQuery = forType(USER_RESOURCE_TYPE);
    const groupQuery = forType(GROUP_RESOURCE_TYPE);
    if (!userQuery && !groupQuery) parseSearchRequest(body, USER_RESOURCE_TYPE, options); // throws the filter error
    const base = (userQuery ?? groupQuery) as ListQuery;
    if (base.cursor !== undefined)
      throw ScimError.invalidValue('Cursor paging is offered per resource type, not at the root');
    if (base.sortBy !== undefined)
      throw ScimError.invalidValue('Sorting is offered per resource type, not at the root');

    const offset = base.startIndex - 1;
    const resources: ScimResource[] = [];
    let totalResults = 0;
    if (userQuery) {
      const { page, resources: users } = await this.users.list(principal.tenantId, userQuery, true);
      totalResults += page.totalResults;
      resources.push(...users.map((user) => projectResource(user, USER_RESOURCE_TYPE, userQuery)));
    }
    if (groupQuery) {
      const usersTotal = totalResults;
      const remaining = base.count - resources.length;
      const groupStart = Math.max(offset - usersTotal, 0) + 1;
      const { page, resources: groups } = await this.groups.list(
        principal.tenantId,
        { ...groupQuery, startIndex: groupStart, count: remaining },
        false,
      );
      totalResults += page.totalResults;
      resources.push(...groups.map((group) => projectResource(group, GROUP_RESOURCE_TYPE, groupQuery)));
    }
    await sendScim(reply, 200, listResponse({ resources, totalResults, startIndex: base.startIndex }));
  }
}
