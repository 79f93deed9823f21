import { isPlainObject, type JsonObject } from './internal/object';
import { coreAttributesOf, findAttribute, findExtension, resolveAttribute } from './schema/resolver';
import type { AttributeDefinition, ResourceTypeDefinition, ScimResource } from './schema/types';

export interface Projection {
  /** `attributes`: return only these (plus returned:"always"). Takes precedence over excluded. */
  readonly attributes?: readonly string[];
  /** `excludedAttributes`: return the defaults minus these (returned:"always" cannot be excluded). */
  readonly excludedAttributes?: readonly string[];
}

/** Per top-level attribute: everything, or only some sub-attributes. */
type Selection = Map<string, 'all' | Set<string>>;

/** Attributes always returned whatever the request says (RFC 7644 §3.9 plus meta, by choice). */
const ALWAYS = new Set(['id', 'meta']);

/**
 * Applies `attributes` / `excludedAttributes` (RFC 7644 §3.9) to a resource, honouring each
 * attribute's `returned` characteristic: never (password) is never returned, request only when
 * asked for by name, always (id, meta, schemas) always. Names may be URN-qualified or name a
 * sub-attribute (`name.givenName`, `emails.value`). Unknown names are ignored.
 */
export function projectResource(
  resource: ScimResource,
  rt: ResourceTypeDefinition,
  projection: Projection = {},
): ScimResource {
  const include = nonEmpty(projection.attributes) ? selection(rt, projection.attributes) : undefined;
  const exclude =
    include === undefined && nonEmpty(projection.excludedAttributes)
      ? selection(rt, projection.excludedAttributes)
      : (new Map() as Selection);
  const out: JsonObject = { schemas: resource.schemas };
  for (const key of Object.keys(resource)) {
    if (key === 'schemas') continue;
    const extension = findExtension(rt, key);
    if (extension !== undefined) {
      const inner = resource[key];
      if (!isPlainObject(inner)) continue;
      const projected = projectObject(inner, extension.attributes, extension.id, include, exclude);
      if (Object.keys(projected).length > 0) out[extension.id] = projected;
      continue;
    }
    const value = projectAttribute(rt, key, resource[key], include, exclude);
    if (value !== undefined) out[value.name] = value.value;
  }
  return out as ScimResource;
}

/**
 * Whether a projection returns (any part of) an attribute, so the caller can skip loading it:
 * `needsAttribute(GROUP_RESOURCE_TYPE, {excludedAttributes: ['members']}, 'members')` is false.
 */
export function needsAttribute(
  rt: ResourceTypeDefinition,
  projection: Projection,
  attribute: string,
): boolean {
  const resolved = resolveAttribute(rt, attribute);
  if (resolved === undefined) return false;
  const def = resolved.attribute;
  const key = topKey(resolved.schema, def.name, resolved.isExtension);
  if (def.returned === 'never') return false;
  if (def.returned === 'always' || ALWAYS.has(key)) return true;
  if (nonEmpty(projection.attributes)) return selection(rt, projection.attributes).has(key);
  if (def.returned === 'request') return false;
  return selection(rt, projection.excludedAttributes ?? []).get(key) !== 'all';
}

function projectAttribute(
  rt: ResourceTypeDefinition,
  key: string,
  value: unknown,
  include: Selection | undefined,
  exclude: Selection,
) {
  // A core attribute or a common one (id, meta): what resolveAttribute finds without a URN in
  // the core schema, without building the canonical path it would also return.
  const attribute = findAttribute(coreAttributesOf(rt.schema), key);
  if (attribute === undefined) return undefined; // not in the schema: never leaks out
  const projected = projectValue(attribute, attribute.name, value, include, exclude);
  return projected === undefined ? undefined : { name: attribute.name, value: projected };
}

function projectObject(
  obj: JsonObject,
  attributes: readonly AttributeDefinition[],
  urn: string,
  include: Selection | undefined,
  exclude: Selection,
): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(obj)) {
    const def = findAttribute(attributes, key);
    if (def === undefined) continue;
    const projected = projectValue(def, topKey(urn, def.name, true), obj[key], include, exclude);
    if (projected !== undefined) out[def.name] = projected;
  }
  return out;
}

function projectValue(
  def: AttributeDefinition,
  key: string,
  value: unknown,
  include: Selection | undefined,
  exclude: Selection,
): unknown {
  if (def.returned === 'never') return undefined;
  if (def.returned === 'always' || ALWAYS.has(key)) return value;
  if (include !== undefined) {
    const chosen = include.get(key);
    if (chosen === undefined) return undefined;
    return chosen === 'all'
      ? pickSubs(def, value, (sub) => sub.returned !== 'request')
      : pickSubs(def, value, (sub) => chosen.has(sub.name) || sub.returned === 'always');
  }
  if (def.returned === 'request') return undefined;
  const excluded = exclude.get(key);
  if (excluded === 'all') return undefined;
  return pickSubs(def, value, (sub) => sub.returned !== 'request' && !(excluded?.has(sub.name) ?? false));
}

/** Keeps the sub-attributes `keep` accepts, in each value of a multi-valued attribute too. */
function pickSubs(
  def: AttributeDefinition,
  value: unknown,
  keep: (sub: AttributeDefinition) => boolean,
): unknown {
  if (def.type !== 'complex') return value;
  const pick = (el: unknown): unknown => {
    if (!isPlainObject(el)) return el;
    const out: JsonObject = {};
    for (const k of Object.keys(el)) {
      const sub = findAttribute(def.subAttributes ?? [], k);
      if (sub !== undefined && sub.returned !== 'never' && keep(sub)) out[sub.name] = el[k];
    }
    return out;
  };
  if (Array.isArray(value)) {
    const list = value.map(pick).filter((el) => !isPlainObject(el) || Object.keys(el).length > 0);
    return list.length === 0 ? undefined : list;
  }
  const picked = pick(value);
  return isPlainObject(picked) && Object.keys(picked).length === 0 ? undefined : picked;
}

function selection(rt: ResourceTypeDefinition, names: readonly string[]): Selection {
  const out: Selection = new Map();
  for (const raw of names) {
    const name = raw.trim();
    const extension = findExtension(rt, name);
    if (extension !== undefined) {
      for (const a of extension.attributes) out.set(topKey(extension.id, a.name, true), 'all');
      continue;
    }
    const resolved = resolveAttribute(rt, name);
    if (resolved === undefined) continue;
    const key = topKey(resolved.schema, resolved.attribute.name, resolved.isExtension);
    const current = out.get(key);
    if (resolved.subAttribute === undefined || current === 'all') {
      out.set(key, 'all');
    } else {
      out.set(key, new Set([...(current ?? []), resolved.subAttribute.name]));
    }
  }
  return out;
}

function topKey(schema: string, name: string, isExtension: boolean): string {
  return isExtension ? `${schema}:${name}` : name;
}

function nonEmpty(list: readonly string[] | undefined): list is readonly string[] {
  return list !== undefined && list.some((s) => s.trim() !== '');
}
