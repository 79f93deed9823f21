import { RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA } from '../constants';
import { cloneJson } from '../internal/object';
import { RESOURCE_TYPES } from './resource-types';
import type { ResourceTypeDefinition, SchemaDefinition } from './types';

/** What the deployment really supports; /ServiceProviderConfig must describe it exactly. */
export interface ServiceProviderLimits {
  readonly bulk: { readonly maxOperations: number; readonly maxPayloadSize: number };
  readonly filter: { readonly maxResults: number };
  /** RFC 9865 cursor pagination settings. */
  readonly pagination?: {
    readonly defaultPageSize: number;
    readonly maxPageSize: number;
    /** Seconds a cursor stays valid; omitted when cursors do not expire. */
    readonly cursorTimeout?: number;
  };
  readonly documentationUri?: string;
}

const trim = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

/** One `/Schemas/{id}` resource (RFC 7643 §7). */
export function schemaResource(schema: SchemaDefinition, baseUrl: string) {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: cloneJson(schema.attributes),
    meta: { resourceType: 'Schema', location: `${trim(baseUrl)}/Schemas/${schema.id}` },
  };
}

/** Every schema used by the given resource types, each once. */
export function schemaResources(
  baseUrl: string,
  resourceTypes: readonly ResourceTypeDefinition[] = RESOURCE_TYPES,
) {
  const seen = new Map<string, SchemaDefinition>();
  for (const rt of resourceTypes) {
    for (const schema of [rt.schema, ...rt.schemaExtensions.map((e) => e.schema)])
      seen.set(schema.id, schema);
  }
  return [...seen.values()].map((s) => schemaResource(s, baseUrl));
}

/** One `/ResourceTypes/{id}` resource (RFC 7643 §6). */
export function resourceTypeResource(rt: ResourceTypeDefinition, baseUrl: string) {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: rt.id,
    name: rt.name,
    endpoint: rt.endpoint,
    description: rt.description,
    schema: rt.schema.id,
    schemaExtensions: rt.schemaExtensions.map((e) => ({ schema: e.schema.id, required: e.required })),
    meta: { resourceType: 'ResourceType', location: `${trim(baseUrl)}/ResourceTypes/${rt.id}` },
  };
}

export function resourceTypeResources(
  baseUrl: string,
  resourceTypes: readonly ResourceTypeDefinition[] = RESOURCE_TYPES,
) {
  return resourceTypes.map((rt) => resourceTypeResource(rt, baseUrl));
}

/** `/ServiceProviderConfig` (RFC 7643 §5, pagination per RFC 9865). */
export function serviceProviderConfig(baseUrl: string, limits: ServiceProviderLimits) {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    ...(limits.documentationUri !== undefined && { documentationUri: limits.documentationUri }),
    patch: { supported: true },
    bulk: {
      supported: true,
      maxOperations: limits.bulk.maxOperations,
      maxPayloadSize: limits.bulk.maxPayloadSize,
    },
    filter: { supported: true, maxResults: limits.filter.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    ...(limits.pagination !== undefined && {
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: limits.pagination.defaultPageSize,
        maxPageSize: limits.pagination.maxPageSize,
        ...(limits.pagination.cursorTimeout !== undefined && {
          cursorTimeout: limits.pagination.cursorTimeout,
        }),
      },
    }),
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a bearer token: "Authorization: Bearer <ProjectID>:<AccessKey>".',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${trim(baseUrl)}/ServiceProviderConfig`,
    },
  };
}
