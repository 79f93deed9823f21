import { ScimError } from '../errors';
import type { Filter } from '../filter/ast';
import { FilterParser } from '../filter/parser';
import { validateFilter } from '../filter/validate';
import { requireAttribute, type ResolvedAttribute } from '../schema/resolver';
import type { ResourceTypeDefinition } from '../schema/types';
import type { AttrPath } from './attr-path';

/**
 * A PATCH path (RFC 7644 §3.5.2): `attrPath`, or `valuePath [.subAttr]`.
 * `emails[type eq "work"].value` is `{ attrPath: {attr:'emails', subAttr:'value'}, filter }`:
 * the filter selects elements of `attrPath.attr`, the sub-attribute is then addressed in each.
 */
export interface PatchPath {
  readonly attrPath: AttrPath;
  readonly filter?: Filter;
}

export interface ResolvedPatchPath extends PatchPath {
  /** The attribute (or sub-attribute) the path ends at. */
  readonly target: ResolvedAttribute;
}

/** Syntax only: no schema needed. Errors are 400 invalidPath. */
export function parsePatchPathSyntax(text: string): PatchPath {
  if (text.trim() === '') throw ScimError.invalidPath('Path is empty');
  return new FilterParser(text, ScimError.invalidPath).parsePatchPath();
}

/**
 * Parses and checks a path against a resource type: unknown attributes, a filter on a
 * non-complex attribute, or unknown names inside the filter are all 400 invalidPath.
 */
export function parsePatchPath(text: string, rt: ResourceTypeDefinition): ResolvedPatchPath {
  const syntax = parsePatchPathSyntax(text);
  const target = requireAttribute(rt, syntax.attrPath, ScimError.invalidPath);
  if (syntax.filter === undefined) return { attrPath: target.path, target };
  if (target.attribute.type !== 'complex' || !target.attribute.multiValued) {
    throw ScimError.invalidPath(
      `"${target.attribute.name}" is not a multi-valued complex attribute; it takes no [filter]`,
    );
  }
  const filter = validateFilter(syntax.filter, rt, ScimError.invalidPath);
  return { attrPath: target.path, filter, target };
}
