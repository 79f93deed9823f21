import { ScimError } from '../errors';
import { type AttrPath, formatAttrPath, type PathErrorFactory } from '../path/attr-path';
import { resolveAttribute, type ResolvedAttribute } from '../schema/resolver';
import type { AttributeDefinition, ResourceTypeDefinition } from '../schema/types';
import type { CompareFilter, CompareOp, CompareValue, Filter } from './ast';

const ORDERING: readonly CompareOp[] = ['gt', 'ge', 'lt', 'le'];
const SUBSTRING: readonly CompareOp[] = ['co', 'sw', 'ew'];

/**
 * Checks every attribute of a syntax tree against the resource type and returns a canonical
 * tree: names in schema case, schema URNs filled in, values typed per attribute, and a compare
 * on a complex attribute (`emails eq "x"`) rewritten to its `value` sub-attribute.
 */
export function validateFilter(
  filter: Filter,
  rt: ResourceTypeDefinition,
  fail: PathErrorFactory = ScimError.invalidFilter,
): Filter {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return { kind: filter.kind, filters: filter.filters.map((f) => validateFilter(f, rt, fail)) };
    case 'not':
      return { kind: 'not', filter: validateFilter(filter.filter, rt, fail) };
    case 'present':
      return { kind: 'present', path: resolve(rt, filter.path, fail).path };
    case 'compare':
      return validateCompare(filter, rt, fail);
    case 'valuePath': {
      const resolved = resolve(rt, filter.path, fail);
      if (resolved.definition.type !== 'complex') {
        throw fail(`"${resolved.canonical}" is not a complex attribute and cannot take a [filter]`);
      }
      return { kind: 'valuePath', path: resolved.path, filter: validateFilter(filter.filter, rt, fail) };
    }
  }
}

function validateCompare(filter: CompareFilter, rt: ResourceTypeDefinition, fail: PathErrorFactory): Filter {
  let resolved = resolve(rt, filter.path, fail);
  if (resolved.definition.type === 'complex') {
    // RFC 7644 requires a sub-attribute here; IdPs send `members eq "id"` meaning members.value.
    const withValue = resolveAttribute(rt, { ...resolved.path, subAttr: 'value' });
    if (resolved.subAttribute !== undefined || withValue === undefined) {
      throw fail(`"${resolved.canonical}" is complex: compare one of its sub-attributes instead`);
    }
    resolved = withValue;
  }
  const def = resolved.definition;
  if (ORDERING.includes(filter.op) && (def.type === 'boolean' || def.type === 'binary')) {
    throw fail(`Operator "${filter.op}" cannot be used with ${def.type} attribute "${resolved.canonical}"`);
  }
  if (SUBSTRING.includes(filter.op) && def.type === 'boolean') {
    throw fail(`Operator "${filter.op}" cannot be used with boolean attribute "${resolved.canonical}"`);
  }
  if (filter.value === null && filter.op !== 'eq' && filter.op !== 'ne') {
    throw fail(`Operator "${filter.op}" cannot compare with null`);
  }
  const value =
    filter.value === null ? null : coerceFilterValue(def, filter.op, filter.value, resolved.canonical, fail);
  return { kind: 'compare', path: resolved.path, op: filter.op, value };
}

function coerceFilterValue(
  def: AttributeDefinition,
  op: CompareOp,
  value: string | number | boolean,
  name: string,
  fail: PathErrorFactory,
): CompareValue {
  switch (def.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw fail(`"${name}" is boolean; compare it with true or false`);
    case 'integer':
    case 'decimal': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : NaN;
      if (Number.isNaN(n) || (def.type === 'integer' && !Number.isInteger(n))) {
        throw fail(`"${name}" is ${def.type}; compare it with a number`);
      }
      return n;
    }
    case 'dateTime':
      if (typeof value !== 'string') throw fail(`"${name}" is a dateTime; compare it with a quoted date`);
      if (!SUBSTRING.includes(op) && Number.isNaN(Date.parse(value))) {
        throw fail(`"${value}" is not a valid dateTime for "${name}"`);
      }
      return value;
    case 'string':
    case 'reference':
    case 'binary':
      return typeof value === 'string' ? value : String(value);
    case 'complex':
      throw fail(`"${name}" is complex and cannot be compared`);
  }
}

function resolve(rt: ResourceTypeDefinition, path: AttrPath, fail: PathErrorFactory): ResolvedAttribute {
  const resolved = resolveAttribute(rt, path);
  if (resolved === undefined) throw fail(`Unknown attribute "${formatAttrPath(path)}" in filter`);
  return resolved;
}
