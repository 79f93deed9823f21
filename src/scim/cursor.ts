import { ScimError } from './errors';
import { isPlainObject } from './internal/object';

/**
 * A keyset position for RFC 9865 cursor paging: the sort key of the last row returned and its
 * id (the tie-breaker). The persistence layer continues with
 * `WHERE (sort_col, id) > ($sortValue, $id)`, so a tampered cursor can only move within the
 * caller's own query; it is opaque, not secret.
 */
export interface CursorPosition {
  readonly sortValue: string | number | boolean | null;
  readonly id: string;
  /** Fingerprint of the query (filter + sort) the cursor belongs to; see queryFingerprint. */
  readonly query?: string;
  /** Epoch milliseconds after which the cursor is refused with 400 expiredCursor. */
  readonly expiresAt?: number;
}

export function encodeCursor(position: CursorPosition): string {
  const payload = {
    v: position.sortValue,
    i: position.id,
    ...(position.query !== undefined && { q: position.query }),
    ...(position.expiresAt !== undefined && { e: position.expiresAt }),
  };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor; anything malformed is 400 invalidCursor, a cursor from another query too
 * (when `query` is given), an expired one 400 expiredCursor.
 */
export function decodeCursor(cursor: string, expect: { query?: string; now?: number } = {}): CursorPosition {
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor))
    throw ScimError.invalidCursor('Malformed cursor');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw ScimError.invalidCursor('Malformed cursor');
  }
  if (!isPlainObject(payload)) throw ScimError.invalidCursor('Malformed cursor');
  const { v, i, q, e } = payload;
  const validValue = v === null || ['string', 'number', 'boolean'].includes(typeof v);
  if (
    !validValue ||
    typeof i !== 'string' ||
    (q !== undefined && typeof q !== 'string') ||
    (e !== undefined && typeof e !== 'number')
  ) {
    throw ScimError.invalidCursor('Malformed cursor');
  }
  if (expect.query !== undefined && q !== expect.query) {
    throw ScimError.invalidCursor('Cursor belongs to a different filter or sort order');
  }
  if (e !== undefined && e < (expect.now ?? Date.now())) throw ScimError.expiredCursor('Cursor has expired');
  return {
    sortValue: v as CursorPosition['sortValue'],
    id: i,
    ...(q !== undefined && { query: q }),
    ...(e !== undefined && { expiresAt: e }),
  };
}

/** A short stable string identifying filter + sort, so a cursor cannot be replayed on another query. */
export function queryFingerprint(parts: { filter?: string; sortBy?: string; sortOrder?: string }): string {
  const text = JSON.stringify([parts.filter ?? '', parts.sortBy ?? '', parts.sortOrder ?? '']);
  // FNV-1a: no crypto needed, only a mismatch detector.
  let hash = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) {
    hash ^= text.charCodeAt(k);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}
