import type { PathErrorFactory } from '../path/attr-path';

export type Token =
  | { readonly type: 'punct'; readonly text: '(' | ')' | '[' | ']'; readonly pos: number }
  | { readonly type: 'string'; readonly text: string; readonly value: string; readonly pos: number }
  | { readonly type: 'word'; readonly text: string; readonly pos: number };

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Splits filter or path text into brackets, JSON strings and words (attribute paths, operators,
 * keywords, numbers). Words are classified by the parser because their meaning depends on position.
 */
export function tokenize(text: string, fail: PathErrorFactory): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ type: 'punct', text: c, pos: i });
      i++;
    } else if (c === '"') {
      const { value, end } = readString(text, i, fail);
      tokens.push({ type: 'string', text: text.slice(i, end), value, pos: i });
      i = end;
    } else {
      const start = i;
      while (i < text.length && !/[\s()[\]"]/.test(text[i])) i++;
      tokens.push({ type: 'word', text: text.slice(start, i), pos: start });
    }
  }
  return tokens;
}

function readString(text: string, start: number, fail: PathErrorFactory): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\') {
      const e = text[i + 1];
      if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw fail(`Invalid \\u escape at position ${i}`);
        value += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else if (e !== undefined && ESCAPES[e] !== undefined) {
        value += ESCAPES[e];
        i += 2;
      } else {
        throw fail(`Invalid escape sequence at position ${i}`);
      }
    } else {
      value += c;
      i++;
    }
  }
  throw fail(`Unterminated string starting at position ${start}`);
}
