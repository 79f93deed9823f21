import { ScimError } from '../errors';
import {
  deepEqual,
  getCI,
  isEmptyValue,
  isPlainObject,
  type JsonObject,
  safeEntries,
} from '../internal/object';
import { parseMembers } from '../patch/members';
import type { MemberRef } from '../patch/types';
import { parseAttrPath } from '../path/attr-path';
import { coerceAttributeValue, coerceSingular } from '../schema/coerce';
import { findExtension, findSchema, resolveAttribute, type ResolvedAttribute } from '../schema/resolver';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from '../schema/resource-types';
import type { ResourceTypeDefinition, ScimResource } from '../schema/types';

export interface ParseResourceOptions {
  /** POST (`create`) or PUT (`replace`). */
  readonly mode: 'create' | 'replace';
  /**
   * For `replace`: the stored resource. Its id and meta are kept, and immutable attributes
   * that already have a value must not change (400 mutability).
   */
  readonly existing?: ScimResource;
}

export interface ParsedResource {
  /** Canonical resource: schema-cased names, typed values, no readOnly/unknown/writeOnly attributes. */
  readonly resource: ScimResource;
  /** The cleartext password, if one was sent: hash it, never store or return it. */
  readonly password?: string;
  /**
   * Membership (Group.members), kept out of `resource`: undefined when the body had no
   * `members`, otherwise the (deduplicated) list to store. Ids are not checked here.
   */
  readonly members?: readonly MemberRef[];
}

export function parseUser(body: unknown, options: ParseResourceOptions): ParsedResource {
  return parseResource(body, USER_RESOURCE_TYPE, options);
}

export function parseGroup(body: unknown, options: ParseResourceOptions): ParsedResource {
  return parseResource(body, GROUP_RESOURCE_TYPE, options);
}

/**
 * Validates and canonicalises a POST/PUT body (RFC 7644 §3.3, §3.5.1).
 * - `schemas` must list the core schema (or an accepted alias such as Entra's legacy Group URI).
 * - Names are matched case-insensitively and written in schema case; values are type-checked
 *   with the usual IdP leniency (see coerce.ts); wrong types are 400 invalidValue.
 * - readOnly attributes (id, meta, groups) are ignored: clients echo them back.
 * - Unknown attributes are ignored, not rejected: IdPs send custom attributes the tenant never
 *   mapped, and failing the whole provisioning for them helps nobody.
 * - Required attributes (userName, Group displayName) must be present: 400 invalidValue.
 */
export function parseResource(
  body: unknown,
  rt: ResourceTypeDefinition,
  options: ParseResourceOptions,
): ParsedResource {
  if (!isPlainObject(body)) throw ScimError.invalidSyntax('Request body must be a JSON object');
  checkSchemas(body, rt);
  const resource: JsonObject = {};
  let password: string | undefined;
  let members: MemberRef[] | undefined;

  const put = (resolved: ResolvedAttribute, raw: unknown): void => {
    const top = resolved.attribute;
    if (top.mutability === 'readOnly' || resolved.definition.mutability === 'readOnly') return;
    if (!resolved.isExtension && top.name === rt.membershipAttribute) {
      members = parseMembers(raw);
      return;
    }
    if (top.mutability === 'writeOnly') {
      const value = coerceSingular(top, raw, resolved.canonical);
      if (typeof value === 'string' && value !== '') password = value;
      return;
    }
    const container = resolved.isExtension ? extensionObject(resource, resolved.schema) : resource;
    if (resolved.subAttribute !== undefined) {
      if (top.multiValued) return; // "emails.value" as a body key has no meaning
      const value = coerceAttributeValue(resolved.subAttribute, raw, resolved.canonical);
      const parent = isPlainObject(container[top.name]) ? (container[top.name] as JsonObject) : {};
      if (value !== null) container[top.name] = { ...parent, [resolved.subAttribute.name]: value };
      return;
    }
    const value = coerceAttributeValue(top, raw, resolved.canonical);
    if (value === null) delete container[top.name];
    else container[top.name] = value;
  };

  for (const [key, raw] of safeEntries(body)) {
    if (key.toLowerCase() === 'schemas') continue;
    const extension = findExtension(rt, key);
    if (extension !== undefined) {
      if (raw === null) continue;
      if (!isPlainObject(raw)) throw ScimError.invalidValue(`"${extension.id}" must be an object`);
      for (const [subKey, subRaw] of safeEntries(raw)) {
        const resolved = resolveKey(rt, `${extension.id}:${subKey}`);
        if (resolved !== undefined) put(resolved, subRaw);
      }
      continue;
    }
    const resolved = resolveKey(rt, key);
    if (resolved !== undefined) put(resolved, raw);
  }

  const schemas = [rt.schema.id];
  for (const { schema } of rt.schemaExtensions) {
    if (isEmptyValue(resource[schema.id])) delete resource[schema.id];
    else schemas.push(schema.id);
  }
  checkRequired(resource, rt);
  const existing = options.mode === 'replace' ? options.existing : undefined;
  if (existing !== undefined) checkImmutable(resource, existing, rt);
  const out: ScimResource = {
    schemas,
    ...(existing?.id !== undefined && { id: existing.id }),
    ...resource,
    ...(existing?.meta !== undefined && { meta: existing.meta }),
  };
  return {
    resource: out,
    ...(password !== undefined && { password }),
    ...(members !== undefined && { members }),
  };
}

function checkSchemas(body: JsonObject, rt: ResourceTypeDefinition): void {
  const schemas = getCI(body, 'schemas');
  if (!Array.isArray(schemas) || schemas.some((s) => typeof s !== 'string')) {
    throw ScimError.invalidSyntax('"schemas" must be an array of schema URNs');
  }
  if (!schemas.some((s) => findSchema(rt, s as string) === rt.schema)) {
    throw ScimError.invalidValue(`"schemas" must include "${rt.schema.id}"`);
  }
}

/** A body key: a plain name, or URN-qualified (`urn:...:enterprise:2.0:User:department`). */
function resolveKey(rt: ResourceTypeDefinition, key: string): ResolvedAttribute | undefined {
  try {
    return resolveAttribute(rt, parseAttrPath(key));
  } catch {
    return undefined; // not even a valid attribute name: unknown, so ignored
  }
}

function extensionObject(resource: JsonObject, urn: string): JsonObject {
  const existing = resource[urn];
  if (isPlainObject(existing)) return existing;
  const fresh: JsonObject = {};
  resource[urn] = fresh;
  return fresh;
}

function checkRequired(resource: JsonObject, rt: ResourceTypeDefinition): void {
  for (const attribute of rt.schema.attributes) {
    if (
      attribute.required &&
      attribute.name !== rt.membershipAttribute &&
      isEmptyValue(resource[attribute.name])
    ) {
      throw ScimError.invalidValue(`"${attribute.name}" is required`);
    }
  }
}

function checkImmutable(resource: JsonObject, existing: ScimResource, rt: ResourceTypeDefinition): void {
  for (const attribute of rt.schema.attributes) {
    if (attribute.mutability !== 'immutable') continue;
    const before = getCI(existing, attribute.name);
    if (!isEmptyValue(before) && !deepEqual(before, resource[attribute.name])) {
      throw ScimError.mutability(`"${attribute.name}" is immutable and cannot be changed`);
    }
  }
}
