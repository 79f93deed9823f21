import { EntityManager } from 'typeorm';

import {
  AttrPath,
  CursorPosition,
  decodeCursor,
  encodeCursor,
  formatAttrPath,
  ListQuery,
  queryFingerprint,
  ScimError,
} from '../scim';
import { compileFilter, FilterSqlMap } from './filter-sql';
import { SqlParams } from './sql-params';

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
}

export interface ListPage<Row> {
  rows: Row[];
  totalResults: number;
  nextCursor?: string;
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
  const direction = descending ? 'DESC' : 'ASC';
  const order = sortKey
    ? `ORDER BY ${sortKey.sql} ${direction}, ${spec.idColumn} ${direction}`
    : `ORDER BY ${spec.idColumn} ${direction}`;

  const fingerprint = queryFingerprint({
    filter: query.filterText,
    sortBy: sortName,
    sortOrder: query.sortOrder,
  });
  const pageConditions = [where];
  if (query.cursor !== undefined && query.cursor !== '') {
    const position = decodeCursor(query.cursor, { query: fingerprint });
    pageConditions.push(keysetCondition(spec, sortKey, position, descending, params));
  }
  const limit = query.count;
  const offset = query.cursor === undefined ? Math.max(query.startIndex - 1, 0) : 0;
  const pageSql = `SELECT ${spec.select}${sortKey ? `, ${sortKey.sql} AS sort_key` : ''} FROM ${spec.from}
     WHERE ${pageConditions.join(' AND ')} ${order} LIMIT ${params.add(limit + 1)} OFFSET ${params.add(offset)}`;

  const [countRows, pageRows] = await Promise.all([
    manager.query<Array<{ total: number }>>(countSql, countParams),
    limit === 0 ? Promise.resolve([] as Row[]) : manager.query<Row[]>(pageSql, params.values),
  ]);
  const rows = pageRows.slice(0, limit);
  const hasMore = pageRows.length > limit;
  const last = rows[rows.length - 1];
  const nextCursor =
    query.cursor !== undefined && hasMore && last
      ? encodeCursor({
          sortValue: sortKey ? cursorValue(last.sort_key) : null,
          id: String(last.id),
          query: fingerprint,
          expiresAt: Date.now() + CURSOR_LIFETIME_MS,
        })
      : undefined;
  for (const row of rows) delete row.sort_key;
  return { rows, totalResults: countRows[0].total, ...(nextCursor !== undefined && { nextCursor }) };
}

function sortKeyFor(
  spec: ListSpec,
  path: AttrPath | undefined,
  name: string | undefined,
): SortKey | undefined {
  if (!path || !name) return undefined;
  const key = spec.sortKeys[name];
  if (!key) {
    throw ScimError.invalidValue(
      `Sorting by "${name}" is not supported; sort by ${Object.keys(spec.sortKeys).join(', ')}`,
    );
  }
  return key;
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
  if (typeof position.sortValue !== 'string') throw ScimError.invalidCursor('Malformed cursor');
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
