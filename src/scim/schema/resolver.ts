import { ScimError } from '../errors';
import type { Mutable } from '../internal/object';
import { type AttrPath, formatAttrPath, parseAttrPath } from '../path/attr-path';
import { COMMON_ATTRIBUTES } from './common';
import type { AttributeDefinition, ResourceTypeDefinition, SchemaDefinition } from './types';

export interface ResolvedAttribute {
  /** Canonical path: names in schema case, `schema` always the owning URN. */
  readonly path: AttrPath;
  /** `name.givenName`, or `urn:...:enterprise:2.0:User:manager.value` for extension attributes. */
  readonly canonical: string;
  /** The owning schema URN (core schema for common attributes such as id and meta). */
  readonly schema: string;
  readonly isExtension: boolean;
  /** The top-level attribute. */
  readonly attribute: AttributeDefinition;
  /** The sub-attribute, when the path names one. */
  readonly subAttribute?: AttributeDefinition;
  /** `subAttribute ?? attribute`: the definition of what the path points at. */
  readonly definition: AttributeDefinition;
}

/** A core schema's attributes with the common ones (id, externalId, meta), built once per schema. */
const coreAttributes = new WeakMap<SchemaDefinition, readonly AttributeDefinition[]>();
export function coreAttributesOf(schema: SchemaDefinition): readonly AttributeDefinition[] {
  let attributes = coreAttributes.get(schema);
  if (attributes === undefined) {
    attributes = [...schema.attributes, ...COMMON_ATTRIBUTES];
    coreAttributes.set(schema, attributes);
  }
  return attributes;
}

/** All schemas of a resource type, core first. */
export function schemasOf(rt: ResourceTypeDefinition): SchemaDefinition[] {
  return [rt.schema, ...rt.schemaExtensions.map((e) => e.schema)];
}

/** A resource type's schemas by lower-cased URN, built once: lookups run for every key of every resource. */
interface SchemaIndex {
  /** `schemasOf(rt)`, for resolving names without a URN. */
  readonly ordered: readonly SchemaDefinition[];
  /** Core schema (and its aliases) and extensions. */
  readonly all: ReadonlyMap<string, SchemaDefinition>;
  readonly extensions: ReadonlyMap<string, SchemaDefinition>;
}
const schemaIndexes = new WeakMap<ResourceTypeDefinition, SchemaIndex>();
function schemaIndexOf(rt: ResourceTypeDefinition): SchemaIndex {
  let index = schemaIndexes.get(rt);
  if (index === undefined) {
    const all = new Map<string, SchemaDefinition>();
    const extensions = new Map<string, SchemaDefinition>();
    for (const alias of rt.schemaAliases ?? []) setFirst(all, alias.toLowerCase(), rt.schema);
    const ordered = schemasOf(rt);
    for (const schema of ordered) setFirst(all, schema.id.toLowerCase(), schema);
    for (const { schema } of rt.schemaExtensions) setFirst(extensions, schema.id.toLowerCase(), schema);
    index = { ordered, all, extensions };
    schemaIndexes.set(rt, index);
  }
  return index;
}

/** The schema a URN names for this resource type (case-insensitive; aliases map to the core schema). */
export function findSchema(rt: ResourceTypeDefinition, urn: string): SchemaDefinition | undefined {
  return schemaIndexOf(rt).all.get(urn.toLowerCase());
}

export function findExtension(rt: ResourceTypeDefinition, urn: string): SchemaDefinition | undefined {
  return schemaIndexOf(rt).extensions.get(urn.toLowerCase());
}

/** Attributes by lower-cased name, built once per (static) attribute list; the first definition wins. */
const attributeIndexes = new WeakMap<readonly AttributeDefinition[], Map<string, AttributeDefinition>>();

export function findAttribute(
  attributes: readonly AttributeDefinition[],
  name: string,
): AttributeDefinition | undefined {
  // Callers pass `subAttributes ?? []`: a fresh empty list is not worth an index.
  if (attributes.length === 0) return undefined;
  let index = attributeIndexes.get(attributes);
  if (index === undefined) {
    index = new Map();
    for (const attribute of attributes) setFirst(index, attribute.name.toLowerCase(), attribute);
    attributeIndexes.set(attributes, index);
  }
  return index.get(name.toLowerCase());
}

function setFirst<T>(map: Map<string, T>, key: string, value: T): void {
  if (!map.has(key)) map.set(key, value);
}

/**
 * Resolves `[urn:]attr[.sub]` case-insensitively against a resource type. A bare name is looked
 * up in the core schema and common attributes first, then in the extensions (clients often
 * leave the enterprise URN out). Returns undefined for anything unknown.
 */
export function resolveAttribute(
  rt: ResourceTypeDefinition,
  path: AttrPath | string,
): ResolvedAttribute | undefined {
  let parsed: AttrPath;
  if (typeof path === 'string') {
    try {
      parsed = parseAttrPath(path);
    } catch {
      return undefined;
    }
  } else {
    parsed = path;
  }
  const candidates = candidateSchemas(rt, parsed.schema);
  for (const schema of candidates) {
    const pool = schema === rt.schema ? coreAttributesOf(schema) : schema.attributes;
    const attribute = findAttribute(pool, parsed.attr);
    if (attribute === undefined) continue;
    let subAttribute: AttributeDefinition | undefined;
    if (parsed.subAttr !== undefined) {
      subAttribute = findAttribute(attribute.subAttributes ?? [], parsed.subAttr);
      if (subAttribute === undefined) return undefined;
    }
    const canonicalPath: AttrPath =
      subAttribute === undefined
        ? { schema: schema.id, attr: attribute.name }
        : { schema: schema.id, attr: attribute.name, subAttr: subAttribute.name };
    const resolved: Mutable<ResolvedAttribute> = {
      path: canonicalPath,
      canonical: formatAttrPath(canonicalPath, rt.schema.id),
      schema: schema.id,
      isExtension: schema !== rt.schema,
      attribute,
      definition: subAttribute ?? attribute,
    };
    if (subAttribute !== undefined) resolved.subAttribute = subAttribute;
    return resolved;
  }
  return undefined;
}

/** Like resolveAttribute, but unknown attributes throw the given error (invalidPath by default). */
export function requireAttribute(
  rt: ResourceTypeDefinition,
  path: AttrPath | string,
  fail: (detail: string) => ScimError = ScimError.invalidPath,
): ResolvedAttribute {
  const resolved = resolveAttribute(rt, path);
  if (resolved === undefined) {
    const text = typeof path === 'string' ? path : formatAttrPath(path);
    throw fail(`Unknown attribute "${text}" for resource type ${rt.name}`);
  }
  return resolved;
}

function candidateSchemas(rt: ResourceTypeDefinition, urn: string | undefined): readonly SchemaDefinition[] {
  if (urn === undefined) return schemaIndexOf(rt).ordered;
  const schema = findSchema(rt, urn);
  return schema === undefined ? [] : [schema];
}
