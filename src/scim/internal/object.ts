/** Small helpers for JSON-shaped data. Every one returns fresh data and never mutates its input. */

export type JsonObject = { [key: string]: unknown };

/** Keys that could reach Object.prototype through a careless assignment. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key.toLowerCase());
}

export function isPlainObject(value: unknown): value is JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Own enumerable entries, with prototype-polluting keys dropped. */
export function safeEntries(obj: JsonObject): [string, unknown][] {
  return Object.keys(obj)
    .filter((k) => !isForbiddenKey(k))
    .map((k) => [k, obj[k]]);
}

/** Deep copy of JSON data; drops forbidden keys and non-JSON values (functions, undefined). */
export function cloneJson<T>(value: T): T {
  return cloneUnknown(value) as T;
}

function cloneUnknown(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneUnknown);
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of safeEntries(value)) {
      if (v !== undefined && typeof v !== 'function') out[k] = cloneUnknown(v);
    }
    return out;
  }
  if (value instanceof Date) return value.toISOString();
  return value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** Finds the actual key of `obj` matching `name` case-insensitively (SCIM names are case-insensitive). */
export function findKey(obj: JsonObject, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

/** Case-insensitive own-property read. */
export function getCI(obj: JsonObject, name: string): unknown {
  const key = findKey(obj, name);
  return key === undefined ? undefined : obj[key];
}

/** RFC 7643 §2.5: unassigned, null and [] are the same state. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.values(value).every(isEmptyValue);
  if (typeof value === 'string') return value.length === 0;
  return false;
}

/** Returns a copy of `obj` where `key` (matched case-insensitively) is set to `value`, or removed when undefined. */
export function withKey(obj: JsonObject, key: string, value: unknown): JsonObject {
  const out: JsonObject = {};
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() !== lower) out[k] = obj[k];
  if (value !== undefined) out[key] = value;
  return out;
}

/** T with its readonly properties writable: for a value built up by assignment before it is returned. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
