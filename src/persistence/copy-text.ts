/**
 * Rows in PostgreSQL's COPY text format (https://www.postgresql.org/docs/current/sql-copy.html):
 * columns separated by tabs, one row per line, `\N` for NULL, and backslash, tab, newline and
 * carriage return escaped with a backslash. Plain code, no driver: copy-rows.ts sends the text.
 */

/** One row: each value as its column's text (see `copyField`), then a newline. */
export function copyLine(values: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += '\t';
    line += copyField(values[i]);
  }
  return line + '\n';
}

/**
 * A value as PostgreSQL reads it from COPY text: null/undefined is NULL, a Date its ISO instant,
 * an array a PostgreSQL array literal (text[]), any other object its JSON (json/jsonb columns).
 */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return escapeCopy(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return escapeCopy(arrayLiteral(value));
  return escapeCopy(JSON.stringify(value));
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeCopy(text: string): string {
  // Most values (ids, names, emails) need nothing: test before building a new string.
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, (char) => ESCAPES[char]) : text;
}

/**
 * `{"a","b\"c",NULL}` for a text[] column: every element quoted, so commas, braces and spaces need
 * no thought. Elements are strings or null (changed attribute names); anything else is refused.
 */
function arrayLiteral(values: readonly unknown[]): string {
  const elements = values.map((element) => {
    if (element === null || element === undefined) return 'NULL';
    if (typeof element !== 'string') throw new TypeError('COPY arrays hold strings or null');
    return `"${element.replace(/["\\]/g, (char) => `\\${char}`)}"`;
  });
  return `{${elements.join(',')}}`;
}
