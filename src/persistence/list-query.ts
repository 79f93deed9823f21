import { EntityManager } from 'typeorm';

import {
  AttrPath,
  CursorPosition,
  decodeCursor,
  encodeCursor,
  formatAttrPath,
  ListQuery,
  queryFingerprint,
  resolveAttribute,
  ResourceTypeDefinition,
  ScimError,
} from '../scim';
import { compileFilter, FilterSqlMap } from './filter-sql';
import { SqlParams } from './sql-params';
import { sqlQuery } from './sql-query';
import { isStorableText } from './storable';

/** A sort key: a non-null SQL expression, so keyset comparisons never meet NULL. */
export interface SortKey {
  readonly sql: string;
  readonly type: 'text' | 'timestamptz' | 'uuid';
}

export interface ListSpec {
  /** `scim_user u` */
  readonly from: string;
  /** The alias' id column, e.g. `u.id`: the tie-breaker of every order. */
  readonly idColumn: string;
  readonly tenantColumn: string;
  readonly select: string;
  readonly filterMap: FilterSqlMap;
  /** Sortable attributes by canonical name (`userName`, `meta.created`). */
  readonly sortKeys: Readonly<Record<string, SortKey>>;
  readonly coreSchema: string;
  /** For sorting by attributes without a dedicated key. */
  readonly resourceType: ResourceTypeDefinition;
}

export interface ListPage<Row> {
  rows: Row[];
  totalResults: number;
  nextCursor?: string;
  previousCursor?: string;
}

const CURSOR_LIFETIME_MS = 10 * 60 * 1_000;

/**
 * One page of a SCIM list (index or RFC 9865 cursor paging) and the total, in two statements
 * that share the compiled filter. Cursor pages continue after the last (sort key, id) seen, so
 * concurrent inserts and deletes neither skip nor repeat rows.
 */
export async function listPage<Row extends Record<string, unknown>>(
  manager: EntityManager,
  spec: ListSpec,
  tenantId: string,
  query: ListQuery,
): Promise<ListPage<Row>> {
  const params = new SqlParams([tenantId]);
  const conditions = [`${spec.tenantColumn} = $1`];
  if (query.filter) conditions.push(compileFilter(query.filter, spec.filterMap, params));
  const where = conditions.join(' AND ');

  const countSql = `SELECT count(*)::int AS total FROM ${spec.from} WHERE ${where}`;
  const countParams = [...params.values];

  const sortName = query.sortBy ? formatAttrPath(query.sortBy, spec.coreSchema) : undefined;
  const sortKey = sortKeyFor(spec, query.sortBy, sortName);
  const descending = query.sortOrder === 'descending';
  // Only cursor paging needs the fingerprint (IdP lookups by filter do not).
  const fingerprint =
    query.cursor === undefined
      ? ''
      : queryFingerprint({ filter: query.filterText, sortBy: sortName, sortOrder: query.sortOrder });
  const cursor =
    query.cursor !== undefined && query.cursor !== '' ? readCursor(query.cursor, fingerprint) : undefined;
  // A previousCursor page walks the order backwards from its position, then flips the rows.
  const backward = cursor?.backward ?? false;
  const scanDescending = descending !== backward;
  const pageConditions = [where];
  if (cursor) pageConditions.push(keysetCondition(spec, sortKey, cursor.position, scanDescending, params));
  const scan = scanDescending ? 'DESC' : 'ASC';
  const order = sortKey
    ? `ORDER BY ${sortKey.sql} ${scan}, ${spec.idColumn} ${scan}`
    : `ORDER BY ${spec.idColumn} ${scan}`;
  const limit = query.count;
  const offset = query.cursor === undefined ? Math.max(query.startIndex - 1, 0) : 0;
  // No OFFSET on a first page, which every IdP lookup is. For a generic plan PostgreSQL guesses an
  // OFFSET parameter and prices skipping rows through the select list: with a user's groups in it
  // (a subquery per row) and enough groups in the tenant, that came out dearer than planning each
  // lookup anew, so the lookup was never planned once (pg_prepared_statements: 0 generic, 12 custom).
  const pageSql = `SELECT ${spec.select}${sortKey ? `, ${sortKey.sql} AS sort_key` : ''} FROM ${spec.from}
     WHERE ${pageConditions.join(' AND ')} ${order} LIMIT ${params.add(limit + 1)}${
       offset > 0 ? ` OFFSET ${params.add(offset)}` : ''
     }`;

  const pageRows = limit === 0 ? ([] as Row[]) : await sqlQuery<Row>(manager, pageSql, params.values);
  // An index page that holds the last row tells the total without counting: IdP lookups such as
  // `userName eq "x"` then cost one statement.
  const lastPage =
    limit > 0 &&
    query.cursor === undefined &&
    pageRows.length <= limit &&
    (pageRows.length > 0 || offset === 0);
  const totalResults = lastPage
    ? offset + pageRows.length
    : (await sqlQuery<{ total: number }>(manager, countSql, countParams))[0].total;
  const rows = pageRows.slice(0, limit);
  if (backward) rows.reverse();
  const more = pageRows.length > limit;
  const links =
    query.cursor === undefined
      ? {}
      : cursorLinks(rows, { more, backward, resumed: cursor !== undefined }, (row, towardsStart) =>
          encodeCursor({
            sortValue: sortKey ? cursorValue(row.sort_key) : null,
            id: String(row.id),
            query: towardsStart ? `${fingerprint}${BACKWARD}` : fingerprint,
            expiresAt: Date.now() + CURSOR_LIFETIME_MS,
          }),
        );
  for (const row of rows) delete row.sort_key;
  return { rows, totalResults, ...links };
}

/** Marks a previousCursor: the same query, read towards its start. */
const BACKWARD = '<';

/** Decodes a cursor of this query, forward (nextCursor) or backward (previousCursor). */
function readCursor(text: string, fingerprint: string): { position: CursorPosition; backward: boolean } {
  const position = decodeCursor(text);
  if (position.query === fingerprint) return { position, backward: false };
  if (position.query === `${fingerprint}${BACKWARD}`) return { position, backward: true };
  throw ScimError.invalidCursor('Cursor belongs to a different filter or sort order');
}

/**
 * RFC 9865 links of a cursor page: nextCursor after its last row while rows follow, previousCursor
 * before its first row when the page did not start at the beginning.
 */
function cursorLinks<Row>(
  rows: Row[],
  page: { more: boolean; backward: boolean; resumed: boolean },
  encode: (row: Row, towardsStart: boolean) => string,
): { nextCursor?: string; previousCursor?: string } {
  const first = rows[0];
  const last = rows[rows.length - 1];
  const hasNext = page.backward || page.more;
  const hasPrevious = page.backward ? page.more : page.resumed;
  return {
    ...(hasNext && last !== undefined && { nextCursor: encode(last, false) }),
    ...(hasPrevious && first !== undefined && { previousCursor: encode(first, true) }),
  };
}

/**
 * The sort key of `sortBy`: a dedicated indexed expression when the spec has one, else any
 * singular string or boolean attribute (RFC 7644 §3.4.2.3) through the filter map, absent
 * values sorting as the empty string.
 */
function sortKeyFor(
  spec: ListSpec,
  path: AttrPath | undefined,
  name: string | undefined,
): SortKey | undefined {
  if (!path || !name) return undefined;
  const key = spec.sortKeys[name] ?? derivedSortKey(spec, path);
  if (!key) {
    throw ScimError.invalidValue(
      `Sorting by "${name}" is not supported: sort by ${Object.keys(spec.sortKeys).join(', ')}, or another singular string or boolean attribute`,
    );
  }
  return key;
}

function derivedSortKey(spec: ListSpec, path: AttrPath): SortKey | undefined {
  const definition = resolveAttribute(spec.resourceType, path)?.definition;
  if (!definition || definition.multiValued || definition.type === 'complex') return undefined;
  const target = spec.filterMap.resolve(path);
  if (target?.kind !== 'scalar') return undefined;
  switch (target.type) {
    case 'string':
      return {
        sql: target.caseExact ? `coalesce(${target.sql}, '')` : `lower(coalesce(${target.sql}, ''))`,
        type: 'text',
      };
    case 'boolean':
      return { sql: `coalesce((${target.sql})::text, '')`, type: 'text' };
    default:
      return undefined;
  }
}

function keysetCondition(
  spec: ListSpec,
  sortKey: SortKey | undefined,
  position: CursorPosition,
  descending: boolean,
  params: SqlParams,
): string {
  const comparator = descending ? '<' : '>';
  if (!isUuid(position.id)) throw ScimError.invalidCursor('Malformed cursor');
  const id = `${params.add(position.id)}::uuid`;
  if (!sortKey) return `${spec.idColumn} ${comparator} ${id}`;
  if (typeof position.sortValue !== 'string' || !isStorableText(position.sortValue)) {
    throw ScimError.invalidCursor('Malformed cursor');
  }
  if (sortKey.type === 'timestamptz' && Number.isNaN(Date.parse(position.sortValue))) {
    throw ScimError.invalidCursor('Malformed cursor');
  }
  const value = `${params.add(position.sortValue)}::${sortKey.type}`;
  return `(${sortKey.sql}, ${spec.idColumn}) ${comparator} (${value}, ${id})`;
}

function cursorValue(value: unknown): string {
  // Timestamps keep microseconds as text, so the keyset resumes exactly after the last row.
  return value instanceof Date ? value.toISOString() : String(value);
}

const isUuid = (value: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
