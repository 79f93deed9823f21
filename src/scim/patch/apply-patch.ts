import { ScimError } from '../errors';
import type { Filter } from '../filter/ast';
import { matchesElement } from '../filter/matcher';
import {
  cloneJson,
  deepEqual,
  findKey,
  getCI,
  isEmptyValue,
  isPlainObject,
  type JsonObject,
  safeEntries,
} from '../internal/object';
import { parsePatchPath, parsePatchPathSyntax, type ResolvedPatchPath } from '../path/patch-path';
import { coerceAttributeValue, coerceMultiValued, coerceSingular } from '../schema/coerce';
import { findAttribute, findExtension, resolveAttribute, type ResolvedAttribute } from '../schema/resolver';
import type {
  AttributeDefinition,
  ResourceTypeDefinition,
  SchemaDefinition,
  ScimResource,
} from '../schema/types';
import { planMemberChanges } from './members';
import { normaliseOperation } from './operations';
import type { MemberChange, PatchOperation, PatchOpName, PatchOptions, PatchResult } from './types';

const DEFAULT_MAX_OPERATIONS = 1000;

/**
 * Applies PATCH operations (RFC 7644 §3.5.2) to a copy of `resource`. All or nothing: the first
 * failing operation throws a ScimError and, since the input is never modified, nothing changes.
 * Operations may be raw JSON (op in any case) or already normalised by parsePatchRequest.
 */
export function applyPatch(
  resource: ScimResource,
  operations: readonly unknown[],
  resourceType: ResourceTypeDefinition,
  options: PatchOptions = {},
): PatchResult {
  const max = options.maxOperations ?? DEFAULT_MAX_OPERATIONS;
  if (operations.length > max)
    throw ScimError.invalidValue(`A PATCH request may carry at most ${max} operations`);
  const engine = new PatchEngine(resource, resourceType);
  operations.forEach((raw, i) => {
    const op = normaliseOperation(raw, i);
    try {
      engine.apply(op);
    } catch (err) {
      if (!(err instanceof ScimError)) throw err;
      const where = `Operations[${i}] (${op.op}${op.path === undefined ? '' : ` "${op.path}"`})`;
      throw new ScimError(err.status, `${where}: ${err.detail}`, err.scimType);
    }
  });
  return engine.result();
}

interface Touched {
  readonly schema: string;
  readonly isExtension: boolean;
  readonly name: string;
}

class PatchEngine {
  private readonly doc: JsonObject;
  private readonly touched = new Map<string, Touched>();
  private readonly memberChanges: MemberChange[] = [];
  private password: string | undefined;

  constructor(
    private readonly original: ScimResource,
    private readonly rt: ResourceTypeDefinition,
  ) {
    this.doc = cloneJson(original);
  }

  apply(op: PatchOperation): void {
    if (op.path === undefined) return this.applyWithoutPath(op.op, op.value);
    const extension = findExtension(this.rt, op.path);
    if (extension !== undefined) return this.applyExtensionObject(op.op, extension, op.value);
    this.applyAt(op.op, parsePatchPath(op.path, this.rt), op.value, false);
  }

  /** No path: the value is an object of attributes, each applied as if it were the path. */
  private applyWithoutPath(op: PatchOpName, raw: unknown): void {
    if (op === 'remove') throw ScimError.noTarget('"remove" requires a path');
    const value = Array.isArray(raw) && raw.length === 1 ? (raw[0] as unknown) : raw;
    if (!isPlainObject(value))
      throw ScimError.invalidValue('Without a path, "value" must be an object of attributes');
    for (const [key, v] of safeEntries(value)) {
      if (key.toLowerCase() === 'schemas') continue;
      const extension = findExtension(this.rt, key);
      if (extension !== undefined) {
        this.applyExtensionObject(op, extension, v);
        continue;
      }
      // Keys may be dotted ("name.givenName") or URN-qualified (Entra); unknown ones are ignored
      // like unknown attributes in a POST body, so an IdP's custom attributes do not fail the request.
      const syntax = parsePatchPathSyntax(key);
      if (resolveAttribute(this.rt, syntax.attrPath) === undefined) continue;
      this.applyAt(op, parsePatchPath(key, this.rt), v, true);
    }
  }

  /** `{"urn:...:enterprise:2.0:User": {...}}` as a value key, or the extension URN as the path. */
  private applyExtensionObject(op: PatchOpName, extension: SchemaDefinition, value: unknown): void {
    if (op === 'remove' || value === null) {
      for (const attribute of extension.attributes) {
        const path = parsePatchPath(`${extension.id}:${attribute.name}`, this.rt);
        if (attribute.mutability !== 'readOnly') this.applyAt('remove', path, undefined, true);
      }
      return;
    }
    if (!isPlainObject(value)) throw ScimError.invalidValue(`"${extension.id}" must be an object`);
    for (const [key, v] of safeEntries(value)) {
      const text = `${extension.id}:${key}`;
      const syntax = parsePatchPathSyntax(text);
      if (resolveAttribute(this.rt, syntax.attrPath) === undefined) continue;
      this.applyAt(op, parsePatchPath(text, this.rt), v, true);
    }
  }

  private applyAt(op: PatchOpName, path: ResolvedPatchPath, value: unknown, fromValueObject: boolean): void {
    const t = path.target;
    const top = t.attribute;
    if (!t.isExtension && top.name === this.rt.membershipAttribute) {
      this.memberChanges.push(...planMemberChanges(op, path, value));
      return;
    }
    if (top.mutability === 'writeOnly' && t.subAttribute === undefined)
      return this.setWriteOnly(op, t, value);
    if (top.mutability === 'readOnly' || t.definition.mutability === 'readOnly') {
      // Okta echoes `id` in no-path replaces: an unchanged read-only value is not a change.
      const container = this.container(t, false);
      if (fromValueObject && container !== undefined && deepEqual(getCI(container, top.name), value)) return;
      throw ScimError.mutability(`"${t.canonical}" is read-only`);
    }
    this.touched.set(canonicalTop(t, this.rt), {
      schema: t.schema,
      isExtension: t.isExtension,
      name: top.name,
    });
    const container = this.container(t, op !== 'remove');
    if (container === undefined) {
      if (path.filter !== undefined)
        throw ScimError.noTarget(`"${t.canonical}" has no values to match the filter`);
      return; // removing from an absent extension: nothing to do
    }
    const current = getCI(container, top.name);
    const next =
      op === 'remove'
        ? this.removed(path, current, value)
        : path.filter !== undefined
          ? this.setFiltered(path, path.filter, current, value)
          : t.subAttribute !== undefined
            ? setSub(top, t.subAttribute, current, coerceAttributeValue(t.subAttribute, value, t.canonical))
            : this.setWhole(op, top, current, value, t.canonical);
    checkImmutable(top, current, next, t.canonical);
    if (top.required && isEmptyValue(next))
      throw ScimError.invalidValue(`"${t.canonical}" is required and cannot be removed`);
    setAttr(container, top.name, next);
  }

  private setWriteOnly(op: PatchOpName, t: ResolvedAttribute, value: unknown): void {
    if (op === 'remove') throw ScimError.mutability(`"${t.canonical}" cannot be removed`);
    const password = coerceSingular(t.attribute, value, t.canonical);
    if (typeof password !== 'string' || password === '')
      throw ScimError.invalidValue(`"${t.canonical}" must be a non-empty string`);
    this.password = password;
  }

  /** add/replace of a whole attribute. */
  private setWhole(
    op: PatchOpName,
    def: AttributeDefinition,
    current: unknown,
    value: unknown,
    name: string,
  ): unknown {
    if (def.multiValued) {
      const incoming = dedupe(coerceMultiValued(def, value, name));
      // add appends (an identical value is not added twice); replace swaps the whole list.
      if (op === 'replace') return withOnePrimary(def, incoming, incoming.length - 1);
      if (incoming.length === 0) return current;
      const merged = dedupe([...asArray(current), ...incoming]);
      return withOnePrimary(def, merged, merged.length - 1);
    }
    const incoming = coerceSingular(def, value, name);
    // A complex value updates the sub-attributes it names and leaves the others (RFC 7644 §3.5.2.1/3).
    if (def.type === 'complex' && isPlainObject(value) && isPlainObject(current)) {
      const merged = mergeComplex(def, current, (incoming ?? {}) as JsonObject, value);
      return isEmptyValue(merged) ? null : merged;
    }
    return incoming;
  }

  /** add/replace through `attr[filter]` or `attr[filter].sub`: matched values are updated in place. */
  private setFiltered(path: ResolvedPatchPath, filter: Filter, current: unknown, value: unknown): unknown {
    const t = path.target;
    const top = t.attribute;
    let list = asArray(current);
    let hits = list.flatMap((el, i) => (matchesElement(el, filter, this.rt) ? [i] : []));
    if (hits.length === 0) {
      // Entra/Okta: `replace emails[type eq "work"].value` when there is no work email creates it.
      const seed = seedFromFilter(filter);
      if (seed === undefined) throw ScimError.noTarget(`No value of "${top.name}" matches the filter`);
      list = [...list, seed];
      hits = [list.length - 1];
    }
    const sub = t.subAttribute;
    let incoming: JsonObject | undefined;
    if (sub === undefined) {
      const values = coerceMultiValued(top, value, t.canonical);
      if (values.length > 1)
        throw ScimError.invalidValue(`"${t.canonical}[...]" takes one value, got ${values.length}`);
      incoming = values[0] as JsonObject | undefined;
    }
    const subValue = sub === undefined ? undefined : coerceAttributeValue(sub, value, t.canonical);
    list = list.map((el, i) => {
      if (!hits.includes(i)) return el;
      const base = isPlainObject(el) ? el : {};
      if (sub !== undefined) return setSub({ ...top, multiValued: false }, sub, base, subValue);
      return incoming === undefined ? base : mergeComplex(top, base, incoming, value);
    });
    return withOnePrimary(top, dropEmpty(list), hits[hits.length - 1] ?? -1);
  }

  private removed(path: ResolvedPatchPath, current: unknown, value: unknown): unknown {
    const t = path.target;
    const top = t.attribute;
    const sub = t.subAttribute;
    if (path.filter !== undefined) {
      const filter = path.filter;
      const list = asArray(current);
      const hits = list.flatMap((el, i) => (matchesElement(el, filter, this.rt) ? [i] : []));
      if (hits.length === 0) throw ScimError.noTarget(`No value of "${top.name}" matches the filter`);
      if (sub === undefined) return list.filter((_, i) => !hits.includes(i));
      return dropEmpty(
        list.map((el, i) => (hits.includes(i) ? setSub({ ...top, multiValued: false }, sub, el, null) : el)),
      );
    }
    if (sub !== undefined) return setSub(top, sub, current, null);
    if (top.multiValued && value !== undefined && value !== null) {
      // Entra sends the values to remove along with the attribute path: remove only those.
      const doomed = coerceMultiValued(top, value, t.canonical);
      return asArray(current).filter((el) => !doomed.some((d) => sameItem(top, el, d)));
    }
    return null;
  }

  /** The object holding the attribute: the resource, or its extension object (created on demand). */
  private container(t: ResolvedAttribute, create: boolean): JsonObject | undefined {
    if (!t.isExtension) return this.doc;
    const key = findKey(this.doc, t.schema);
    const existing = key === undefined ? undefined : this.doc[key];
    if (isPlainObject(existing)) {
      if (key !== t.schema) {
        delete this.doc[key as string];
        this.doc[t.schema] = existing;
      }
      return existing;
    }
    if (!create) return undefined;
    const fresh: JsonObject = {};
    this.doc[t.schema] = fresh;
    return fresh;
  }

  result(): PatchResult {
    this.syncExtensionSchemas();
    const changed = [...this.touched]
      .filter(([, t]) => !deepEqual(readTop(this.original, t), readTop(this.doc, t)))
      .map(([name]) => name);
    if (this.memberChanges.length > 0 && this.rt.membershipAttribute !== undefined)
      changed.push(this.rt.membershipAttribute);
    if (this.password !== undefined) changed.push('password');
    return {
      resource: this.doc as ScimResource,
      changedAttributes: changed,
      memberChanges: this.memberChanges,
      ...(this.password !== undefined && { password: this.password }),
    };
  }

  /** `schemas` lists an extension exactly when the resource has values for it. */
  private syncExtensionSchemas(): void {
    let schemas = Array.isArray(this.doc.schemas)
      ? (this.doc.schemas as unknown[]).filter((s) => typeof s === 'string')
      : [];
    for (const { schema } of this.rt.schemaExtensions) {
      const key = findKey(this.doc, schema.id);
      const has = key !== undefined && !isEmptyValue(this.doc[key]);
      if (!has && key !== undefined) delete this.doc[key];
      const listed = schemas.some((s) => s.toLowerCase() === schema.id.toLowerCase());
      if (has && !listed) schemas = [...schemas, schema.id];
      // Only drop the URN when PATCH emptied the extension; a listed empty extension is legal.
      if (!has && listed && [...this.touched.values()].some((t) => t.schema === schema.id)) {
        schemas = schemas.filter((s) => s.toLowerCase() !== schema.id.toLowerCase());
      }
    }
    this.doc.schemas = schemas;
  }
}

function canonicalTop(t: ResolvedAttribute, rt: ResourceTypeDefinition): string {
  return t.isExtension || t.schema !== rt.schema.id ? `${t.schema}:${t.attribute.name}` : t.attribute.name;
}

function readTop(resource: JsonObject, t: Touched): unknown {
  const container = t.isExtension ? getCI(resource, t.schema) : resource;
  const value = isPlainObject(container) ? getCI(container, t.name) : undefined;
  return isEmptyValue(value) ? undefined : value;
}

/** Writes the attribute under its canonical name (dropping other casings), or removes it when empty. */
function setAttr(container: JsonObject, name: string, value: unknown): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(container)) if (key.toLowerCase() === lower) delete container[key];
  if (!isEmptyValue(value)) container[name] = value;
}

/** Sets (or, with null, removes) one sub-attribute; on a multi-valued attribute, in every value. */
function setSub(
  top: AttributeDefinition,
  sub: AttributeDefinition,
  current: unknown,
  value: unknown,
): unknown {
  const put = (el: unknown): JsonObject => {
    const out: JsonObject = { ...(isPlainObject(el) ? el : {}) };
    const key = findKey(out, sub.name);
    if (key !== undefined) delete out[key];
    if (value !== null && value !== undefined) out[sub.name] = value;
    return out;
  };
  if (!top.multiValued) {
    const out = put(current);
    return isEmptyValue(out) ? null : out;
  }
  const list = asArray(current);
  if (list.length === 0) return value === null ? null : [put({})];
  return withOnePrimary(top, dropEmpty(list.map(put)), list.length - 1);
}

function mergeComplex(
  def: AttributeDefinition,
  base: JsonObject,
  incoming: JsonObject,
  raw: unknown,
): JsonObject {
  const out: JsonObject = { ...base, ...incoming };
  // An explicit null for a sub-attribute clears it.
  if (isPlainObject(raw)) {
    for (const [key, v] of safeEntries(raw)) {
      const sub = findAttribute(def.subAttributes ?? [], key);
      if (v === null && sub !== undefined && sub.mutability !== 'readOnly') delete out[sub.name];
    }
  }
  return out;
}

function checkImmutable(def: AttributeDefinition, before: unknown, after: unknown, name: string): void {
  if (def.mutability === 'immutable' && !isEmptyValue(before) && !deepEqual(before, after)) {
    throw ScimError.mutability(`"${name}" is immutable and already has a value`);
  }
}

/** `type eq "work" and primary eq true` -> `{type:'work', primary:true}`; undefined if not that simple. */
function seedFromFilter(filter: Filter): JsonObject | undefined {
  if (filter.kind === 'compare') {
    if (filter.op !== 'eq' || filter.value === null || filter.path.subAttr === undefined) return undefined;
    return { [filter.path.subAttr]: filter.value };
  }
  if (filter.kind === 'and') {
    const parts = filter.filters.map(seedFromFilter);
    if (parts.some((p) => p === undefined)) return undefined;
    return Object.assign({}, ...parts) as JsonObject;
  }
  return undefined;
}

/** For Entra's remove-with-value: an element matches when every sub-attribute given matches. */
function sameItem(def: AttributeDefinition, element: unknown, given: unknown): boolean {
  if (!isPlainObject(given) || !isPlainObject(element)) return deepEqual(element, given);
  return safeEntries(given).every(([key, v]) => {
    const sub = findAttribute(def.subAttributes ?? [], key);
    const actual = getCI(element, key);
    if (typeof v === 'string' && typeof actual === 'string' && sub?.caseExact !== true) {
      return v.toLowerCase() === actual.toLowerCase();
    }
    return deepEqual(actual, v);
  });
}

/** RFC 7644 §3.5.2: at most one value is primary; the one just written wins. */
function withOnePrimary(def: AttributeDefinition, list: unknown[], preferred: number): unknown[] {
  if (findAttribute(def.subAttributes ?? [], 'primary') === undefined) return list;
  const primaries = list.flatMap((el, i) => (isPlainObject(el) && el.primary === true ? [i] : []));
  if (primaries.length <= 1) return list;
  const keep = primaries.includes(preferred) ? preferred : primaries[primaries.length - 1];
  return list.map((el, i) =>
    i !== keep && isPlainObject(el) && el.primary === true ? { ...el, primary: false } : el,
  );
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function dropEmpty(list: unknown[]): unknown[] {
  return list.filter((el) => !isEmptyValue(el));
}

function dedupe(list: unknown[]): unknown[] {
  return list.filter((v, i) => list.findIndex((w) => deepEqual(v, w)) === i);
}
