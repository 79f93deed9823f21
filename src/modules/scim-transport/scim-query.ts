import { AppConfig } from '../../config/config';
import {
  ListQuery,
  listResponse,
  parseListQuery,
  parseSearchRequest,
  Projection,
  projectResource,
  ResourceTypeDefinition,
  ScimError,
  ScimResource,
} from '../../scim';
import { QueryParams } from './scim-reply';

export function queryOptions(config: AppConfig) {
  return { defaultCount: config.SCIM_DEFAULT_PAGE_SIZE, maxCount: config.SCIM_MAX_PAGE_SIZE };
}

export function listQueryFrom(params: QueryParams, rt: ResourceTypeDefinition, config: AppConfig): ListQuery {
  return parseListQuery(params ?? {}, rt, queryOptions(config));
}

export function searchQueryFrom(
  body: unknown,
  rt: ResourceTypeDefinition | undefined,
  config: AppConfig,
): ListQuery {
  return parseSearchRequest(body, rt, queryOptions(config));
}

/** `attributes` / `excludedAttributes` of any request (they apply to write responses too). */
export function projectionFrom(params: QueryParams): Projection {
  const list = (name: string): string[] | undefined => {
    const key = Object.keys(params ?? {}).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    const value = key === undefined ? undefined : params[key];
    if (value === undefined) return undefined;
    if (Array.isArray(value))
      throw ScimError.invalidValue(`Query parameter "${name}" was given more than once`);
    return value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
  };
  return { attributes: list('attributes'), excludedAttributes: list('excludedAttributes') };
}

/** `attributes` / `excludedAttributes` of a list query, as a projection. */
export function listProjection(query: ListQuery): Projection {
  return { attributes: [...query.attributes], excludedAttributes: [...query.excludedAttributes] };
}

/** The ListResponse of one page: projected resources, the total, and the paging of the query's kind. */
export function listBody(
  query: ListQuery,
  page: { totalResults: number; nextCursor?: string; previousCursor?: string },
  resources: ScimResource[],
  rt: ResourceTypeDefinition,
) {
  const projection = listProjection(query);
  return listResponse({
    resources: resources.map((resource) => projectResource(resource, rt, projection)),
    totalResults: page.totalResults,
    startIndex: query.cursor === undefined ? query.startIndex : undefined,
    nextCursor: page.nextCursor,
    previousCursor: page.previousCursor,
  });
}
