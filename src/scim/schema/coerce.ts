import { ScimError } from '../errors';
import { isEmptyValue, isPlainObject, type JsonObject, safeEntries } from '../internal/object';
import { findAttribute } from './resolver';
import type { AttributeDefinition } from './types';

/**
 * Turns client JSON into the canonical value of one attribute, tolerating what IdPs send:
 * booleans as "True"/"false", a scalar wrapped in a one-element array for a singular attribute,
 * a bare string where a singular complex attribute with a `value` sub-attribute is expected
 * (Entra's manager), sub-attribute names in any case. Returns null when the input clears the attribute
 * (null, [], or a complex value with nothing in it). Wrong types are 400 invalidValue.
 * Unknown and readOnly sub-attributes are dropped: clients echo them back and they change nothing.
 */
export function coerceAttributeValue(
  def: AttributeDefinition,
  value: unknown,
  name: string = def.name,
): unknown {
  if (def.multiValued) {
    const items = coerceMultiValued(def, value, name);
    return items.length === 0 ? null : items;
  }
  return coerceSingular(def, value, name);
}

/** The values of a multi-valued attribute; a lone value is treated as a one-element list. */
export function coerceMultiValued(
  def: AttributeDefinition,
  value: unknown,
  name: string = def.name,
): unknown[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => coerceOne(def, item, `${name}[${i}]`)).filter((v) => v !== null);
}

/** One value of a singular attribute (or one element of a multi-valued one). */
export function coerceSingular(def: AttributeDefinition, value: unknown, name: string = def.name): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    if (value.length > 1)
      throw ScimError.invalidValue(`"${name}" is single-valued but got ${value.length} values`);
    return coerceOne(def, value[0], name);
  }
  return coerceOne(def, value, name);
}

function coerceOne(def: AttributeDefinition, value: unknown, name: string): unknown {
  if (value === null || value === undefined) return null;
  switch (def.type) {
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value === 'string') return value;
      // A number for a string (employeeNumber: 42) is unambiguous; a boolean or object is not.
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      throw typeError(name, 'a string', value);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^\s*(true|false)\s*$/i.test(value))
        return value.trim().toLowerCase() === 'true';
      throw typeError(name, 'a boolean', value);
    case 'integer':
    case 'decimal': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : NaN;
      if (!Number.isFinite(n) || (def.type === 'integer' && !Number.isInteger(n))) {
        throw typeError(name, `an ${def.type === 'integer' ? 'integer' : 'number'}`, value);
      }
      return n;
    }
    case 'dateTime':
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
      throw typeError(name, 'an xsd:dateTime string', value);
    case 'complex':
      return coerceComplex(def, value, name);
  }
}

function coerceComplex(def: AttributeDefinition, value: unknown, name: string): JsonObject | null {
  const subs = def.subAttributes ?? [];
  // Entra sends manager as a bare id. Not for multi-valued ones: `emails: "x"` is a client bug.
  if (typeof value === 'string' && !def.multiValued && findAttribute(subs, 'value') !== undefined) {
    return value === '' ? null : { value };
  }
  if (!isPlainObject(value)) throw typeError(name, 'an object', value);
  const out: JsonObject = {};
  for (const [key, raw] of safeEntries(value)) {
    const sub = findAttribute(subs, key);
    if (sub === undefined || sub.mutability === 'readOnly') continue;
    const coerced = coerceAttributeValue(sub, raw, `${name}.${sub.name}`);
    if (coerced !== null) out[sub.name] = coerced;
  }
  return isEmptyValue(out) ? null : out;
}

function typeError(name: string, expected: string, value: unknown): ScimError {
  const shown = JSON.stringify(value) ?? String(value);
  return ScimError.invalidValue(
    `"${name}" must be ${expected}, got ${shown.length > 60 ? `${shown.slice(0, 60)}...` : shown}`,
  );
}
