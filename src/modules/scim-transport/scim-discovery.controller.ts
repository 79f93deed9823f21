import { All, Controller, Get, Inject, Param, Res, UseGuards } from '@nestjs/common';
import { FastifyReply } from 'fastify';

import { APP_CONFIG, AppConfig } from '../../config/config';
import {
  listResponse,
  RESOURCE_TYPES,
  resourceTypeResources,
  schemaResources,
  ScimError,
  serviceProviderConfig,
} from '../../scim';
import { ScimBearerGuard } from '../access-keys/scim-bearer.guard';
import { scimBaseUrl, sendScim } from './scim-reply';

/** What this deployment supports, described exactly (RFC 7643 §5-7). */
@Controller('scim/v2')
@UseGuards(ScimBearerGuard)
export class ScimDiscoveryController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('ServiceProviderConfig')
  async serviceProviderConfig(@Res() reply: FastifyReply): Promise<void> {
    const config = serviceProviderConfig(scimBaseUrl(this.config), {
      bulk: {
        maxOperations: this.config.SCIM_MAX_BULK_OPERATIONS,
        maxPayloadSize: this.config.SCIM_MAX_PAYLOAD_BYTES,
      },
      filter: { maxResults: this.config.SCIM_MAX_PAGE_SIZE },
      pagination: {
        defaultPageSize: this.config.SCIM_DEFAULT_PAGE_SIZE,
        maxPageSize: this.config.SCIM_MAX_PAGE_SIZE,
        cursorTimeout: 600,
      },
    });
    await sendScim(reply, 200, {
      ...config,
      meta: {
        resourceType: 'ServiceProviderConfig',
        location: `${scimBaseUrl(this.config)}/ServiceProviderConfig`,
      },
    });
  }

  @Get('Schemas')
  async schemas(@Res() reply: FastifyReply): Promise<void> {
    const resources = schemaResources(scimBaseUrl(this.config));
    await sendScim(reply, 200, listResponse({ resources, totalResults: resources.length, startIndex: 1 }));
  }

  @Get('Schemas/:id')
  async schema(@Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const found = schemaResources(scimBaseUrl(this.config)).find(
      (schema) => schema.id.toLowerCase() === id.toLowerCase(),
    );
    if (!found) throw ScimError.notFound(`Schema ${id} not found`);
    await sendScim(reply, 200, found);
  }

  @Get('ResourceTypes')
  async resourceTypes(@Res() reply: FastifyReply): Promise<void> {
    const resources = resourceTypeResources(scimBaseUrl(this.config), RESOURCE_TYPES);
    await sendScim(reply, 200, listResponse({ resources, totalResults: resources.length, startIndex: 1 }));
  }

  @Get('ResourceTypes/:id')
  async resourceType(@Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const found = resourceTypeResources(scimBaseUrl(this.config), RESOURCE_TYPES).find(
      (type) => type.id.toLowerCase() === id.toLowerCase(),
    );
    if (!found) throw ScimError.notFound(`ResourceType ${id} not found`);
    await sendScim(reply, 200, found);
  }

  /** Roster authenticates IdPs, not end users: there is no "me" behind an access key. */
  @All('Me')
  me(): never {
    throw new ScimError(501, '/Me is not supported: the bearer is an access key of the tenant, not a user');
  }
}
