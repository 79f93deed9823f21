import { ScimError } from '../scim';

/**
 * PostgreSQL text and jsonb cannot hold U+0000, and jsonb refuses unpaired UTF-16 surrogates;
 * JSON allows both. Checked before any SQL, so such input is a 400 and never a 500.
 */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Longest value of a btree- or GIN-indexed text column (userName, externalId, displayName, email):
 * 4 bytes a character at most keeps an index entry under PostgreSQL's 2,704-byte limit.
 */
export const MAX_INDEXED_TEXT = 512;

export const isStorableText = (text: string) => !text.includes('\u0000') && !UNPAIRED_SURROGATE.test(text);

/** Throws 400 invalidValue when any string (or key) inside `value` cannot be stored. */
export function assertStorable(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (!isStorableText(value)) {
      throw ScimError.invalidValue(
        `"${path}" contains U+0000 or an unpaired surrogate, which cannot be stored`,
      );
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertStorable(item, `${path}[${index}]`));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      assertStorable(key, path);
      assertStorable(inner, path === '' ? key : `${path}.${key}`);
    }
  }
}

/** Throws 400 invalidValue when an indexed text value is longer than MAX_INDEXED_TEXT characters. */
export function assertIndexable(text: string | null, name: string): void {
  if (text !== null && [...text].length > MAX_INDEXED_TEXT) {
    throw ScimError.invalidValue(`"${name}" is longer than ${MAX_INDEXED_TEXT} characters`);
  }
}
