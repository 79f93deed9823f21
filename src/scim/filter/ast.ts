import type { AttrPath } from '../path/attr-path';

/** Attribute operators of RFC 7644 §3.4.2.2, always lower case in the tree. */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export const COMPARE_OPS: readonly CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

/**
 * A comparison value, typed per the attribute after validation: boolean attributes get booleans,
 * integer/decimal get numbers, string/reference/binary/dateTime get strings (dateTime strings are
 * compared as instants). `null` only appears with `eq` (attribute absent) and `ne` (present).
 */
export type CompareValue = string | number | boolean | null;

/** `path op value`, e.g. `userName eq "bjensen"`, `meta.created gt "2024-01-01T00:00:00Z"`. */
export interface CompareFilter {
  readonly kind: 'compare';
  readonly path: AttrPath;
  readonly op: CompareOp;
  readonly value: CompareValue;
}

/** `path pr`: the attribute has a non-empty value. */
export interface PresentFilter {
  readonly kind: 'present';
  readonly path: AttrPath;
}

/** Conjunction of two or more filters (chains are flattened: `a and b and c` is one node). */
export interface AndFilter {
  readonly kind: 'and';
  readonly filters: readonly Filter[];
}

/** Disjunction of two or more filters (flattened like `and`). */
export interface OrFilter {
  readonly kind: 'or';
  readonly filters: readonly Filter[];
}

export interface NotFilter {
  readonly kind: 'not';
  readonly filter: Filter;
}

/**
 * `emails[type eq "work" and value co "@example.com"]`: true when ONE element of the
 * multi-valued attribute `path` satisfies the whole inner `filter`. Inner paths are absolute
 * (`{attr:'emails', subAttr:'type'}`) and all refer to that same element. Never nested.
 */
export interface ValuePathFilter {
  readonly kind: 'valuePath';
  readonly path: AttrPath;
  readonly filter: Filter;
}

export type Filter = CompareFilter | PresentFilter | AndFilter | OrFilter | NotFilter | ValuePathFilter;

export interface FilterLimits {
  /** Longest filter text accepted (characters). */
  readonly maxLength: number;
  /** Deepest nesting of parentheses, `not` and brackets. */
  readonly maxDepth: number;
}

export const DEFAULT_FILTER_LIMITS: FilterLimits = { maxLength: 8192, maxDepth: 32 };
