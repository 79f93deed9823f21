import { ScimError } from '../errors';
import type { Filter } from '../filter/ast';
import { getCI, isPlainObject } from '../internal/object';
import type { ResolvedPatchPath } from '../path/patch-path';
import type { MemberChange, MemberRef, PatchOpName } from './types';

/**
 * Turns one operation on a membership attribute into membership changes instead of editing
 * an in-memory array. Tolerates what Okta and Entra send: members without `type`, a bare id
 * string, and Entra's `remove members` WITH a value list, which removes only those members.
 */
export function planMemberChanges(op: PatchOpName, path: ResolvedPatchPath, value: unknown): MemberChange[] {
  if (path.target.subAttribute !== undefined) {
    throw ScimError.mutability(
      `"${path.target.canonical}" cannot be changed in place; remove the member and add it again`,
    );
  }
  if (path.filter !== undefined) {
    const removal = removalFor(path.filter);
    switch (op) {
      case 'remove':
        return [removal];
      case 'replace': {
        const values = parseMembers(value);
        return values.length === 0 ? [removal] : [removal, { kind: 'add', values }];
      }
      case 'add':
        throw ScimError.invalidPath(`Add members with path "members", not a filtered path`);
    }
  }
  switch (op) {
    case 'add': {
      const values = parseMembers(value);
      return values.length === 0 ? [] : [{ kind: 'add', values }];
    }
    case 'replace':
      return [{ kind: 'replaceAll', values: parseMembers(value) }];
    case 'remove': {
      if (value === undefined || value === null) return [{ kind: 'removeAll' }];
      const values = parseMembers(value);
      return values.length === 0 ? [] : [{ kind: 'remove', values: values.map((m) => m.value) }];
    }
  }
}

/** `value eq "a"` (or an `or` of such) becomes a plain id list, which is cheaper to apply. */
function removalFor(filter: Filter): MemberChange {
  const ids = idsOf(filter);
  return ids === undefined ? { kind: 'removeWhere', filter } : { kind: 'remove', values: ids };
}

function idsOf(filter: Filter): string[] | undefined {
  if (filter.kind === 'compare') {
    const isId = filter.op === 'eq' && filter.path.subAttr === 'value' && typeof filter.value === 'string';
    return isId ? [filter.value] : undefined;
  }
  if (filter.kind === 'or') {
    const parts = filter.filters.map(idsOf);
    return parts.every((p) => p !== undefined) ? [...new Set(parts.flat())] : undefined;
  }
  return undefined;
}

/** Member references from a PATCH value: a list or a single item, each an object or a bare id. */
export function parseMembers(value: unknown): MemberRef[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  const seen = new Map<string, MemberRef>();
  list.forEach((item, i) => {
    const ref = parseMember(item, i);
    if (!seen.has(ref.value)) seen.set(ref.value, ref);
  });
  return [...seen.values()];
}

function parseMember(item: unknown, index: number): MemberRef {
  if (typeof item === 'string' && item.trim() !== '') return { value: item.trim() };
  if (!isPlainObject(item))
    throw ScimError.invalidValue(`members[${index}] must be an object with a "value"`);
  const value = getCI(item, 'value');
  if (typeof value !== 'string' || value.trim() === '') {
    throw ScimError.invalidValue(`members[${index}].value must be a non-empty string`);
  }
  const type = getCI(item, 'type');
  let canonicalType: MemberRef['type'];
  if (type !== undefined && type !== null) {
    const lower = typeof type === 'string' ? type.toLowerCase() : '';
    if (lower !== 'user' && lower !== 'group') {
      throw ScimError.invalidValue(`members[${index}].type must be "User" or "Group"`);
    }
    canonicalType = lower === 'user' ? 'User' : 'Group';
  }
  const display = getCI(item, 'display');
  return {
    value: value.trim(),
    ...(canonicalType !== undefined && { type: canonicalType }),
    ...(typeof display === 'string' && { display }),
  };
}
