import type { Filter } from '../filter/ast';
import type { ScimResource } from '../schema/types';

export type PatchOpName = 'add' | 'remove' | 'replace';

/** One normalised PATCH operation (op lower-cased, path trimmed, or absent). */
export interface PatchOperation {
  readonly op: PatchOpName;
  readonly path?: string;
  readonly value?: unknown;
}

/** A member reference as a client sends it. `value` is the member's id; `type` may be missing. */
export interface MemberRef {
  readonly value: string;
  readonly type?: 'User' | 'Group';
  readonly display?: string;
}

/**
 * A change to a membership attribute (Group.members), kept out of the resource because a group
 * may have 100,000 members stored as rows. Apply them IN ORDER; each is idempotent:
 * - `add`: insert these members (already-present ones are left alone; ids must be checked by the caller);
 * - `remove`: delete these member ids (absent ones are ignored);
 * - `removeWhere`: delete members matching the filter; its paths are `members.value`,
 *   `members.type`, `members.display` (validated and canonical, see filter/ast.ts);
 * - `replaceAll`: the membership becomes exactly `values` (possibly empty);
 * - `removeAll`: no members remain.
 */
export type MemberChange =
  | { readonly kind: 'add'; readonly values: readonly MemberRef[] }
  | { readonly kind: 'remove'; readonly values: readonly string[] }
  | { readonly kind: 'removeWhere'; readonly filter: Filter }
  | { readonly kind: 'replaceAll'; readonly values: readonly MemberRef[] }
  | { readonly kind: 'removeAll' };

export interface PatchOptions {
  /** Operations accepted in one request (default 1000). */
  readonly maxOperations?: number;
}

export interface PatchResult {
  /** The patched copy; the input is never modified. Membership attributes are left as they were. */
  readonly resource: ScimResource;
  /**
   * Top-level attributes whose value actually changed, canonical: `active`, `name`, `emails`,
   * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`; `members` when there
   * are member changes; `password` when a password was set.
   */
  readonly changedAttributes: readonly string[];
  /** Ordered membership changes (only for resource types with a membershipAttribute). */
  readonly memberChanges: readonly MemberChange[];
  /** A password set by the PATCH; never stored in `resource` (hash it, then forget it). */
  readonly password?: string;
}
