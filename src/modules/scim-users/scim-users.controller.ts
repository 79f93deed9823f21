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
  ListQuery,
  needsAttribute,
  projectResource,
  USER_RESOURCE_TYPE,
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
import { ScimUsersService, UserResult } from './scim-users.service';

/** RFC 7644 /Users. The tenant is the access key's; nothing in the request can name another. */
@Controller('scim/v2/Users')
@UseGuards(ScimBearerGuard)
export class ScimUsersController {
  constructor(
    private readonly users: ScimUsersService,
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
    const result = await this.users.create(caller(principal, request), body);
    await this.sendUser(reply, 201, result, params);
  }

  @Get()
  async list(
    @CurrentScimPrincipal() principal: ScimPrincipal,
    @Query() params: QueryParams,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const query = listQueryFrom(params, USER_RESOURCE_TYPE, this.config);
    await this.sendList(reply, principal.tenantId, query);
  }

  @Post('.search')
  async search(
    @CurrentScimPrincipal() principal: ScimPrincipal,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const query = searchQueryFrom(body, USER_RESOURCE_TYPE, this.config);
    await this.sendList(reply, principal.tenantId, query);
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
    const result = await this.users.get(
      principal.tenantId,
      id,
      needsAttribute(USER_RESOURCE_TYPE, projection, 'groups'),
    );
    const outcome = evaluatePreconditions(preconditionHeaders(request), result.version, true);
    if (!outcome.ok) {
      await reply.status(outcome.status).header('etag', `W/"${result.version}"`).send();
      return;
    }
    await this.sendUser(reply, 200, result, params);
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
    const result = await this.users.replace(
      caller(principal, request),
      id,
      body,
      preconditionHeaders(request),
    );
    await this.sendUser(reply, 200, result, params);
  }

  @Patch(':id')
  async patch(
    @CurrentScimPrincipal() principal: ScimPrincipal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() params: QueryParams,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const result = await this.users.patch(caller(principal, request), id, body, preconditionHeaders(request));
    await this.sendUser(reply, 200, result, params);
  }

  @Delete(':id')
  async delete(
    @CurrentScimPrincipal() principal: ScimPrincipal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.users.delete(caller(principal, request), id, preconditionHeaders(request));
    await sendNoContent(reply);
  }

  private async sendUser(
    reply: FastifyReply,
    status: number,
    result: UserResult,
    params: QueryParams,
  ): Promise<void> {
    const body = projectResource(result.resource, USER_RESOURCE_TYPE, projectionFrom(params));
    await sendScim(reply, status, body, {
      version: result.version,
      location: String(result.resource.meta?.location),
    });
  }

  private async sendList(reply: FastifyReply, tenantId: string, query: ListQuery): Promise<void> {
    const withGroups = needsAttribute(USER_RESOURCE_TYPE, listProjection(query), 'groups');
    const { page, resources } = await this.users.list(tenantId, query, withGroups);
    await sendScim(reply, 200, listBody(query, page, resources, USER_RESOURCE_TYPE));
  }
}
