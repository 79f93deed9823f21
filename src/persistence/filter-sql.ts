import { ScimError } from '../scim/errors';
import type { CompareFilter, CompareValue, Filter } from '../scim/filter/ast';
import type { AttrPath } from '../scim/path/attr-path';
import { escapeLike, SqlParams } from './sql-params';
import { isStorableText } from './storable';

/** How a value is compared in SQL. */
export type SqlValueType = 'string' | 'boolean' | 'number' | 'dateTime' | 'uuid';

/** One SQL expression a filter can compare against, e.g. `lower(u.user_name)` or `u.data->>'title'`. */
export interface ScalarTarget {
  readonly kind: 'scalar';
  /** Text (or typed) SQL expression; for JSON values the `->>` text form. */
  readonly sql: string;
  readonly type: SqlValueType;
  /** False: compared lower-cased on both sides (RFC 7643 caseExact). */
  readonly caseExact: boolean;
  /** SQL that is true when the attribute has a value (for `pr`); defaults to `sql IS NOT NULL`. */
  readonly presentSql?: string;
}

/**
 * A multi-valued attribute (JSON array elements, or membership rows): a filter on it is true
 * when SOME element matches, compiled to `EXISTS (SELECT 1 FROM <source> WHERE <match>)`.
 */
export interface ElementsTarget {
  readonly kind: 'elements';
  /** `EXISTS (...)` around the SQL condition on one element. */
  exists(condition: string): string;
  /** The expression of a sub-attribute of one element; undefined if it cannot be filtered. */
  sub(subAttr: string): ScalarTarget | undefined;
  /** The sub-attribute a compare without one refers to (`emails eq "x"` means `emails.value`). */
  readonly defaultSub?: string;
  /**
   * An indexed pre-condition implied by `sub eq value` on some element (for example
   * `u.email_values @> ARRAY[$1]`), ANDed in front of the EXISTS so an index finds candidates.
   */
  indexHint?(subAttr: string, value: string, params: SqlParams): string | undefined;
}

export type FilterTarget = ScalarTarget | ElementsTarget;

/** Maps canonical attribute paths of one resource type to SQL. */
export interface FilterSqlMap {
  resolve(path: AttrPath): FilterTarget | undefined;
}

/**
 * Compiles a validated filter tree (src/scim/filter) to a parameterised SQL condition. Every
 * value goes through `params`; attribute names only select from the fixed expressions of the map.
 * Comparisons stay bare (`lower(u.user_name) = $2`) so an index can serve them; a comparison with
 * an absent attribute is NULL, which WHERE, AND, OR and EXISTS already treat as "no match", and
 * `not` coalesces its operand to false first, so an absent attribute never matches `not (x eq y)`'s
 * inner test yet does match the negation.
 */
export function compileFilter(filter: Filter, map: FilterSqlMap, params: SqlParams): string {
  return compile(filter, { map, params });
}

interface Scope {
  map: FilterSqlMap;
  params: SqlParams;
  /** Inside `attr[...]`: the element being matched. */
  element?: { attr: string; schema?: string; target: ElementsTarget };
}

function compile(filter: Filter, scope: Scope): string {
  switch (filter.kind) {
    case 'and':
      return `(${filter.filters.map((inner) => compile(inner, scope)).join(' AND ')})`;
    case 'or':
      return `(${filter.filters.map((inner) => compile(inner, scope)).join(' OR ')})`;
    case 'not':
      // NULL (an absent attribute) must read as false before it is negated.
      return `(NOT coalesce(${compile(filter.filter, scope)}, false))`;
    case 'present':
      return compilePresent(filter.path, scope);
    case 'compare':
      return compileCompare(filter, scope);
    case 'valuePath': {
      const target = scope.map.resolve({ ...filter.path, subAttr: undefined });
      if (target?.kind !== 'elements') throw unsupported(filter.path);
      const inner = compile(filter.filter, {
        ...scope,
        element: { attr: filter.path.attr, schema: filter.path.schema, target },
      });
      const hint = indexHintOf(filter.filter, target, scope.params);
      const exists = target.exists(inner);
      return hint ? `(${hint} AND ${exists})` : exists;
    }
  }
}

/** Resolves a path to a scalar, either inside the current element or as `attr.sub` on elements. */
function scalarOrElements(
  path: AttrPath,
  scope: Scope,
): { scalar: ScalarTarget; wrap: (sql: string) => string; elements?: ElementsTarget; sub?: string } {
  if (scope.element && path.attr === scope.element.attr && path.schema === scope.element.schema) {
    const sub = path.subAttr ?? scope.element.target.defaultSub;
    const scalar = sub === undefined ? undefined : scope.element.target.sub(sub);
    if (!scalar) throw unsupported(path);
    return { scalar, wrap: (sql) => sql };
  }
  const target = scope.map.resolve({ ...path, subAttr: undefined });
  if (!target) throw unsupported(path);
  if (target.kind === 'scalar') {
    if (path.subAttr === undefined) return { scalar: target, wrap: (sql) => sql };
    const nested = scope.map.resolve(path);
    if (nested?.kind !== 'scalar') throw unsupported(path);
    return { scalar: nested, wrap: (sql) => sql };
  }
  const sub = path.subAttr ?? target.defaultSub;
  const scalar = sub === undefined ? undefined : target.sub(sub);
  if (!scalar) throw unsupported(path);
  return { scalar, wrap: (sql) => target.exists(sql), elements: target, sub };
}

function compilePresent(path: AttrPath, scope: Scope): string {
  if (!scope.element && path.subAttr === undefined) {
    const target = scope.map.resolve(path);
    if (!target) throw unsupported(path);
    if (target.kind === 'elements') return target.exists('TRUE');
    return `(${presentSql(target)})`;
  }
  const { scalar, wrap } = scalarOrElements(path, scope);
  return wrap(`(${presentSql(scalar)})`);
}

function presentSql(target: ScalarTarget): string {
  if (target.presentSql) return target.presentSql;
  return target.type === 'string' ? `coalesce(${target.sql} <> '', false)` : `${target.sql} IS NOT NULL`;
}

function compileCompare(filter: CompareFilter, scope: Scope): string {
  if (typeof filter.value === 'string' && !isStorableText(filter.value)) {
    throw ScimError.invalidFilter(`"${describe(filter)}" has U+0000 or an unpaired surrogate in its value`);
  }
  const { scalar, wrap, elements, sub } = scalarOrElements(filter.path, scope);
  const condition = comparison(scalar, filter.op, filter.value, scope.params, filter);
  const wrapped = wrap(condition);
  if (elements && sub && filter.op === 'eq' && typeof filter.value === 'string') {
    const hint = elements.indexHint?.(sub, filter.value, scope.params);
    if (hint) return `(${hint} AND ${wrapped})`;
  }
  return wrapped;
}

/** `sub eq "v"` conjuncts of a value filter that an index can serve. */
function indexHintOf(filter: Filter, target: ElementsTarget, params: SqlParams): string | undefined {
  if (!target.indexHint) return undefined;
  const conjuncts = filter.kind === 'and' ? filter.filters : [filter];
  for (const conjunct of conjuncts) {
    if (conjunct.kind === 'compare' && conjunct.op === 'eq' && typeof conjunct.value === 'string') {
      const sub = conjunct.path.subAttr ?? target.defaultSub;
      const hint = sub === undefined ? undefined : target.indexHint(sub, conjunct.value, params);
      if (hint) return hint;
    }
  }
  return undefined;
}

function comparison(
  target: ScalarTarget,
  op: CompareFilter['op'],
  value: CompareValue,
  params: SqlParams,
  filter: CompareFilter,
): string {
  if (value === null) {
    // `eq null`: the attribute is absent; `ne null`: it is present (RFC 7644 §3.4.2.2).
    const present = presentSql(target);
    return op === 'eq' ? `(NOT ${present})` : `(${present})`;
  }
  if (target.type === 'uuid' && (op === 'eq' || op === 'ne')) {
    // Ids are UUIDs compared through the primary key; any other text simply matches nothing.
    const text = String(value);
    if (!UUID.test(text)) return op === 'eq' ? 'FALSE' : 'TRUE';
    const placeholder = `${params.add(text.toLowerCase())}::uuid`;
    return op === 'eq'
      ? `(${target.sql} = ${placeholder})`
      : `(${target.sql} IS DISTINCT FROM ${placeholder})`;
  }
  const typed = typedOperands(target, value, filter);
  const left = typed.left;
  const right = (raw: unknown) => `${params.add(raw)}${typed.cast}`;

  switch (op) {
    case 'eq':
      return `(${left} = ${right(typed.value)})`;
    case 'ne':
      return `(${left} IS DISTINCT FROM ${right(typed.value)})`;
    case 'co':
    case 'sw':
    case 'ew': {
      if (target.type !== 'string' && target.type !== 'uuid') {
        throw ScimError.invalidFilter(`Operator "${op}" needs a string attribute`);
      }
      const text = escapeLike(String(typed.value));
      const pattern = op === 'co' ? `%${text}%` : op === 'sw' ? `${text}%` : `%${text}`;
      return `(${left} LIKE ${params.add(pattern)})`;
    }
    case 'gt':
      return `(${left} > ${right(typed.value)})`;
    case 'ge':
      return `(${left} >= ${right(typed.value)})`;
    case 'lt':
      return `(${left} < ${right(typed.value)})`;
    case 'le':
      return `(${left} <= ${right(typed.value)})`;
  }
}

/** The left expression and the value, converted to the attribute's SQL type. */
function typedOperands(
  target: ScalarTarget,
  value: string | number | boolean,
  filter: CompareFilter,
): { left: string; value: unknown; cast: string } {
  switch (target.type) {
    case 'string': {
      const text = String(value);
      // "C" collation: ordering operators compare code points, the same in every deployment.
      const ordering = ['gt', 'ge', 'lt', 'le'].includes(filter.op) ? ' COLLATE "C"' : '';
      return target.caseExact
        ? { left: `${target.sql}${ordering}`, value: text, cast: '' }
        : { left: `lower(${target.sql})${ordering}`, value: text.toLowerCase(), cast: '' };
    }
    case 'uuid':
      return { left: `${target.sql}::text`, value: String(value).toLowerCase(), cast: '' };
    case 'boolean':
      if (typeof value !== 'boolean')
        throw ScimError.invalidFilter(`"${describe(filter)}" needs true or false`);
      return { left: target.sql, value, cast: '::boolean' };
    case 'number':
      if (typeof value !== 'number') throw ScimError.invalidFilter(`"${describe(filter)}" needs a number`);
      return { left: target.sql, value, cast: '::numeric' };
    case 'dateTime': {
      const instant = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(instant)) {
        throw ScimError.invalidFilter(
          `"${describe(filter)}" needs an xsd:dateTime such as "2024-01-31T12:00:00Z"`,
        );
      }
      return { left: target.sql, value: timestampText(instant), cast: '::timestamptz' };
    }
  }
}

/** Years PostgreSQL's timestamptz cannot hold (from 4713 BC) compare as its infinities. */
function timestampText(instant: number): string {
  const year = new Date(instant).getUTCFullYear();
  if (year < 1) return '-infinity';
  if (year > 9999) return 'infinity';
  return new Date(instant).toISOString();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function describe(filter: CompareFilter): string {
  const path = filter.path.subAttr ? `${filter.path.attr}.${filter.path.subAttr}` : filter.path.attr;
  return `${path} ${filter.op}`;
}

function unsupported(path: AttrPath): ScimError {
  const name = path.subAttr ? `${path.attr}.${path.subAttr}` : path.attr;
  return ScimError.invalidFilter(`Filtering on "${name}" is not supported`);
}
