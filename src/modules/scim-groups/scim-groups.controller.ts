import {
  Body,
  Controller,
  Delete,
  Get,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';

import { APP_CONFIG, AppConfig } from '../../config/config';
import {
  evaluatePreconditions,
  GROUP_RESOURCE_TYPE,
  ListQuery,
  needsAttribute,
  Projection,
  projectResource,
} from '../../scim';
import { ScimBearerGuard } from '../access-keys/scim-bearer.guard';
import { CurrentScimPrincipal, ScimPrincipal } from '../access-keys/scim-principal';
import { caller } from '../scim-transport/scim-caller';
import {
  listBody,
  listProjection,
  listQueryFrom,
  projectionFrom,
  searchQueryFrom,
} from '../scim-transport/scim-query';
import { preconditionHeaders, QueryParams, sendNoContent, sendScim } from '../scim-transport/scim-reply';
import { GroupResult, ScimGroupsService } from './scim-groups.service';

const wantsMembers = (projection: Projection) => needsAttribute(GROUP_RESOURCE_TYPE, projection, 'members');
const asksForAttributes = (projection: Projection) =>
  (projection.attributes?.length ?? 0) + (projection.excludedAttributes?.length ?? 0) > 0;

/** RFC 7644 /Groups. */
@Controller('scim/v2/Groups')
@UseGuards(ScimBearerGuard)
export class ScimGroupsController {
  constructor(
    private readonly groups: ScimGroupsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  async create(
    @CurrentScimPrincipal() principal: ScimPrincipal,
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @Query() params: QueryParams,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const result = await this.groups.create(caller(principal, request), body);
    await this.sendGroup(reply, 201, result, projectionFrom(params));
  }

  @Get()
  async list(
    @CurrentScimPrincipal() principal: ScimPrincipal,
    @Query() params: QueryParams,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.sendList(reply, principal.tenantId, listQueryFrom(params, GROUP_RESOURCE_TYPE, this.config));
  }

  @Post('.search')
  async search(
    @CurrentScimPrincipal() principal: ScimPrincipal,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.sendList(reply, principal.tenantId, searchQueryFrom(body, GROUP_RESOURCE_TYPE, this.config));
  }

  @Get(':id')
  async get(
    @CurrentScimPrincipal() principal: ScimPrincipal,
    @Param('id') id: string,
    @Query() params: QueryParams,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const projection = projectionFrom(params);
    const result = await this.groups.get(principal.tenantId, id, wantsMembers(projection));
    const outcome = evaluatePreconditions(preconditionHeaders(request), result.version, true);
    if (!outcome.ok) {
      await reply.status(outcome.status).header('etag', `W/"${result.version}"`).send();
      return;
    }
    await this.sendGroup(reply, 200, result, projection);
  }

  @Put(':id')
  async replace(
    @CurrentScimPrincipal() principal: ScimPrincipal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() params: QueryParams,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const projection = projectionFrom(params);
    const result = await this.groups.replace(
      caller(principal, request),
      id,
      body,
      preconditionHeaders(request),
      wantsMembers(projection),
    );
    await this.sendGroup(reply, 200, result, projection);
  }

  /**
   * 204 unless the client asks for attributes: echoing a 100,000-member group after adding one
   * member would cost more than the change (RFC 7644 §3.5.2 allows either).
   */
  @Patch(':id')
  async patch(
    @CurrentScimPrincipal() principal: ScimPrincipal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() params: QueryParams,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const projection = projectionFrom(params);
    const respond = asksForAttributes(projection);
    const result = await this.groups.patch(
      caller(principal, request),
      id,
      body,
      preconditionHeaders(request),
      respond && wantsMembers(projection),
    );
    if (!respond) {
      await reply.status(204).header('etag', `W/"${result.version}"`).send();
      return;
    }
    await this.sendGroup(reply, 200, result, projection);
  }

  @Delete(':id')
  async delete(
    @CurrentScimPrincipal() principal: ScimPrincipal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.groups.delete(caller(principal, request), id, preconditionHeaders(request));
    await sendNoContent(reply);
  }

  private async sendGroup(
    reply: FastifyReply,
    status: number,
    result: GroupResult,
    projection: Projection,
  ): Promise<void> {
    const body = projectResource(result.resource, GROUP_RESOURCE_TYPE, projection);
    await sendScim(reply, status, body, {
      version: result.version,
      location: String(result.resource.meta?.location),
    });
  }

  private async sendList(reply: FastifyReply, tenantId: string, query: ListQuery): Promise<void> {
    const { page, resources } = await this.groups.list(tenantId, query, wantsMembers(listProjection(query)));
    await sendScim(reply, 200, listBody(query, page, resources, GROUP_RESOURCE_TYPE));
  }
}
