import { getCI, isEmptyValue, isPlainObject, type JsonObject } from '../internal/object';
import type { AttrPath } from '../path/attr-path';
import { resolveAttribute } from '../schema/resolver';
import type { AttributeDefinition, ResourceTypeDefinition } from '../schema/types';
import type { CompareFilter, CompareValue, Filter } from './ast';

type ValuesAt = (path: AttrPath) => unknown[];

/**
 * In-memory evaluation of a (validated) filter against a resource, with the semantics the SQL
 * compiler must reproduce:
 * - a multi-valued attribute matches when ANY of its values matches;
 * - `ne` is the negation of `eq` (an absent attribute is "not equal"); `eq null` means absent;
 * - strings compare case-insensitively unless the attribute is caseExact;
 * - dateTime attributes compare as instants, whatever the textual offset.
 */
export function matchesFilter(resource: JsonObject, filter: Filter, rt: ResourceTypeDefinition): boolean {
  return evaluate(filter, (path) => valuesInResource(resource, path, rt), rt);
}

/**
 * Evaluates the inner filter of a value path (`emails[type eq "work"]`) against ONE element of
 * the multi-valued attribute. Used by PATCH to select the values an operation targets.
 */
export function matchesElement(element: unknown, filter: Filter, rt: ResourceTypeDefinition): boolean {
  return evaluate(filter, (path) => valuesInElement(element, path), rt);
}

function evaluate(filter: Filter, valuesAt: ValuesAt, rt: ResourceTypeDefinition): boolean {
  switch (filter.kind) {
    case 'and':
      return filter.filters.every((f) => evaluate(f, valuesAt, rt));
    case 'or':
      return filter.filters.some((f) => evaluate(f, valuesAt, rt));
    case 'not':
      return !evaluate(filter.filter, valuesAt, rt);
    case 'present':
      return valuesAt(filter.path).some((v) => !isEmptyValue(v));
    case 'compare':
      return compare(filter, valuesAt(filter.path), resolveAttribute(rt, filter.path)?.definition);
    case 'valuePath': {
      const elements = valuesAt({ ...filter.path, subAttr: undefined });
      return elements.some((el) => evaluate(filter.filter, (p) => valuesInElement(el, p), rt));
    }
  }
}

function compare(filter: CompareFilter, values: unknown[], def: AttributeDefinition | undefined): boolean {
  const present = values.filter((v) => v !== null && v !== undefined);
  const expected = filter.value;
  if (expected === null) return filter.op === 'eq' ? present.length === 0 : present.length > 0;
  if (filter.op === 'ne') return !present.some((v) => compareOne(v, 'eq', expected, def));
  return present.some((v) => compareOne(v, filter.op, expected, def));
}

function compareOne(
  actual: unknown,
  op: CompareFilter['op'],
  expected: Exclude<CompareValue, null>,
  def: AttributeDefinition | undefined,
): boolean {
  const type = def?.type ?? 'string';
  if (type === 'dateTime' && op !== 'co' && op !== 'sw' && op !== 'ew') {
    const a = typeof actual === 'string' ? Date.parse(actual) : NaN;
    const e = typeof expected === 'string' ? Date.parse(expected) : NaN;
    return !Number.isNaN(a) && !Number.isNaN(e) && order(a, e, op);
  }
  if (typeof expected === 'boolean') {
    const a = typeof actual === 'string' ? actual.toLowerCase() === 'true' : actual;
    return op === 'eq' && a === expected;
  }
  if (typeof expected === 'number') {
    const a = typeof actual === 'number' ? actual : Number(actual);
    return !Number.isNaN(a) && order(a, expected, op);
  }
  if (typeof actual !== 'string' && typeof actual !== 'number' && typeof actual !== 'boolean') return false;
  const caseExact = def?.caseExact ?? false;
  const a = caseExact ? String(actual) : String(actual).toLowerCase();
  const e = caseExact ? expected : expected.toLowerCase();
  switch (op) {
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    case 'eq':
    case 'ne':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return order(a, e, op);
  }
}

function order<T extends number | string>(a: T, e: T, op: CompareFilter['op']): boolean {
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    case 'le':
      return a <= e;
    case 'co':
    case 'sw':
    case 'ew':
      return false;
  }
}

/** Leaf values at a path; arrays are flattened so multi-valued attributes match on any value. */
function valuesInResource(resource: JsonObject, path: AttrPath, rt: ResourceTypeDefinition): unknown[] {
  const container =
    path.schema === undefined || path.schema === rt.schema.id ? resource : getCI(resource, path.schema);
  if (!isPlainObject(container)) return [];
  const top = getCI(container, path.attr);
  const tops = Array.isArray(top) ? top : [top];
  if (path.subAttr === undefined) return tops.filter((v) => v !== undefined);
  return tops.flatMap((t) => valuesInElement(t, path));
}

function valuesInElement(element: unknown, path: AttrPath): unknown[] {
  if (path.subAttr === undefined) return element === undefined ? [] : [element];
  if (!isPlainObject(element)) return [];
  const v = getCI(element, path.subAttr);
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
