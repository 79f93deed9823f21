import { AppError } from './app-error';

/** Opaque keyset cursor: (timestamp, id) of the last row seen, base64url JSON. */
export interface KeysetCursor {
  at: string;
  id: string;
}

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id]), 'utf8').toString('base64url');
}

/** `accepts` adds a caller's own checks (say, the timestamp's exact format) to the shared ones. */
export function decodeCursor(
  value: string,
  accepts: (cursor: KeysetCursor) => boolean = () => true,
): KeysetCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0])) &&
      accepts({ at: parsed[0], id: parsed[1] })
    ) {
      return { at: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw AppError.badInput('after is not a cursor this API returned');
}
