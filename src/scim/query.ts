import { LIST_RESPONSE_SCHEMA, SEARCH_REQUEST_SCHEMA } from './constants';
import { ScimError } from './errors';
import { DEFAULT_FILTER_LIMITS, type Filter, type FilterLimits } from './filter/ast';
import { parseFilter } from './filter/parse-filter';
import { findKey, getCI, isPlainObject, type Mutable } from './internal/object';
import { type AttrPath, parseAttrPath } from './path/attr-path';
import { findExtension, resolveAttribute } from './schema/resolver';
import type { ResourceTypeDefinition } from './schema/types';

export type SortOrder = 'ascending' | 'descending';

/** A list request, from query parameters (GET) or a SearchRequest body (POST .search). */
export interface ListQuery {
  /** Validated, canonical filter tree (see filter/ast.ts); undefined = everything. */
  readonly filter?: Filter;
  /** The filter text as sent, e.g. for a cursor fingerprint or the audit log. */
  readonly filterText?: string;
  /** 1-based (index paging); values below 1 are read as 1. */
  readonly startIndex: number;
  /** Page size after clamping to [0, maxCount]; 0 asks for totalResults only. */
  readonly count: number;
  /** Canonical sort attribute (a complex one is sorted by its `value`). */
  readonly sortBy?: AttrPath;
  readonly sortOrder: SortOrder;
  readonly attributes: readonly string[];
  readonly excludedAttributes: readonly string[];
  /**
   * RFC 9865: present means cursor paging; '' asks for the first page. Decode it with
   * decodeCursor. When present, startIndex is ignored.
   */
  readonly cursor?: string;
}

export interface QueryOptions {
  /** count when the client gives none. */
  readonly defaultCount: number;
  /** Largest count honoured (larger values are lowered to it, as RFC 7644 §3.4.2.4 allows). */
  readonly maxCount: number;
  readonly filterLimits?: FilterLimits;
}

type QueryParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** GET /Users?filter=...&startIndex=...: parameter names are matched case-insensitively. */
export function parseListQuery(
  params: QueryParams,
  rt: ResourceTypeDefinition | undefined,
  options: QueryOptions,
): ListQuery {
  const get = (name: string): string | undefined => {
    const key = findKey(params, name);
    const value = key === undefined ? undefined : params[key];
    if (Array.isArray(value)) {
      if (value.length > 1)
        throw ScimError.invalidValue(`Query parameter "${name}" was given more than once`);
      return value[0] as string | undefined;
    }
    return value as string | undefined;
  };
  return buildQuery(
    {
      filter: get('filter'),
      startIndex: get('startIndex'),
      count: get('count'),
      sortBy: get('sortBy'),
      sortOrder: get('sortOrder'),
      attributes: splitList(get('attributes')),
      excludedAttributes: splitList(get('excludedAttributes')),
      cursor: get('cursor'),
    },
    rt,
    options,
  );
}

/** POST /.search body (RFC 7644 §3.4.3): same rules, with attribute lists as JSON arrays. */
export function parseSearchRequest(
  body: unknown,
  rt: ResourceTypeDefinition | undefined,
  options: QueryOptions,
): ListQuery {
  if (!isPlainObject(body)) throw ScimError.invalidSyntax('SearchRequest body must be a JSON object');
  const schemas = getCI(body, 'schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase())
  ) {
    throw ScimError.invalidSyntax(`SearchRequest must list "${SEARCH_REQUEST_SCHEMA}" in schemas`);
  }
  const text = (name: string): string | undefined => {
    const v = getCI(body, name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && (name === 'startIndex' || name === 'count')) return String(v);
    if (typeof v !== 'string')
      throw ScimError.invalidValue(
        `"${name}" must be a ${name === 'startIndex' || name === 'count' ? 'number' : 'string'}`,
      );
    return v;
  };
  const list = (name: string): string[] => {
    const v = getCI(body, name);
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return splitList(v);
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))
      throw ScimError.invalidValue(`"${name}" must be an array of strings`);
    return (v as string[]).flatMap(splitList);
  };
  return buildQuery(
    {
      filter: text('filter'),
      startIndex: text('startIndex'),
      count: text('count'),
      sortBy: text('sortBy'),
      sortOrder: text('sortOrder'),
      attributes: list('attributes'),
      excludedAttributes: list('excludedAttributes'),
      cursor: text('cursor'),
    },
    rt,
    options,
  );
}

interface RawQuery {
  filter?: string;
  startIndex?: string;
  count?: string;
  sortBy?: string;
  sortOrder?: string;
  attributes: string[];
  excludedAttributes: string[];
  cursor?: string;
}

function buildQuery(raw: RawQuery, rt: ResourceTypeDefinition | undefined, options: QueryOptions): ListQuery {
  const filterText = raw.filter?.trim() === '' ? undefined : raw.filter;
  const filter =
    filterText === undefined
      ? undefined
      : parseFilter(filterText, rt, options.filterLimits ?? DEFAULT_FILTER_LIMITS);
  const startIndex = Math.max(1, integer('startIndex', raw.startIndex) ?? 1);
  const count = Math.min(Math.max(0, integer('count', raw.count) ?? options.defaultCount), options.maxCount);
  const sortBy =
    raw.sortBy === undefined || raw.sortBy.trim() === '' ? undefined : parseSortBy(raw.sortBy.trim(), rt);
  const sortOrder = parseSortOrder(raw.sortOrder);
  for (const name of raw.attributes) checkAttributeName(name, rt);
  for (const name of raw.excludedAttributes) checkAttributeName(name, rt);
  // Built by assignment, not conditional spreads: every SCIM list request passes through here.
  const query: Mutable<ListQuery> = {
    startIndex,
    count,
    sortOrder,
    attributes: raw.attributes,
    excludedAttributes: raw.excludedAttributes,
  };
  if (filter !== undefined) {
    query.filter = filter;
    query.filterText = filterText;
  }
  if (sortBy !== undefined) query.sortBy = sortBy;
  if (raw.cursor !== undefined) query.cursor = raw.cursor.trim();
  return query;
}

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^\s*[+-]?\d{1,15}\s*$/.test(text))
    throw ScimError.invalidValue(`"${name}" must be an integer, got "${text.slice(0, 40)}"`);
  return Number(text);
}

function parseSortBy(text: string, rt: ResourceTypeDefinition | undefined): AttrPath {
  const path = parseAttrPath(text, ScimError.invalidValue);
  if (rt === undefined) return path;
  let resolved = resolveAttribute(rt, path);
  if (resolved?.definition.type === 'complex')
    resolved = resolveAttribute(rt, { ...resolved.path, subAttr: 'value' });
  if (resolved === undefined) throw ScimError.invalidValue(`Cannot sort by unknown attribute "${text}"`);
  return resolved.path;
}

function parseSortOrder(text: string | undefined): SortOrder {
  if (text === undefined || text.trim() === '') return 'ascending';
  const lower = text.trim().toLowerCase();
  if (lower === 'ascending' || lower === 'descending') return lower;
  throw ScimError.invalidValue(`"sortOrder" must be "ascending" or "descending"`);
}

/** Names must be well-formed; unknown but well-formed names are accepted and later ignored. */
function checkAttributeName(name: string, rt: ResourceTypeDefinition | undefined): void {
  if (rt !== undefined && findExtension(rt, name) !== undefined) return;
  parseAttrPath(name, ScimError.invalidValue);
}

function splitList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export interface ListResponseInput<T> {
  readonly resources: readonly T[];
  readonly totalResults: number;
  /** Index paging: the startIndex of this page. Omitted in cursor paging (RFC 9865). */
  readonly startIndex?: number;
  readonly nextCursor?: string;
  readonly previousCursor?: string;
}

export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  itemsPerPage: number;
  startIndex?: number;
  nextCursor?: string;
  previousCursor?: string;
  Resources: T[];
}

/** RFC 7644 §3.4.2: itemsPerPage is the number of resources actually returned. */
export function listResponse<T>(input: ListResponseInput<T>): ListResponse<T> {
  // Assignments rather than conditional spreads, which V8 makes slow: one of these per list request.
  const response: ListResponse<T> = {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: input.totalResults,
    itemsPerPage: input.resources.length,
  } as ListResponse<T>;
  if (input.startIndex !== undefined) response.startIndex = input.startIndex;
  if (input.nextCursor !== undefined) response.nextCursor = input.nextCursor;
  if (input.previousCursor !== undefined) response.previousCursor = input.previousCursor;
  response.Resources = input.resources.slice();
  return response;
}
