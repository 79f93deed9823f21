import { copyField, copyLine } from './copy-text';

describe('COPY text format', () => {
  it.each<[string, unknown, string]>([
    ['null', null, '\\N'],
    ['undefined', undefined, '\\N'],
    ['a plain string, untouched', 'alice@example.com', 'alice@example.com'],
    ['the literal two characters \\N stay text', '\\N', '\\\\N'],
    ['tab, newline, carriage return', 'a\tb\nc\rd', 'a\\tb\\nc\\rd'],
    ['backslashes', 'C:\\dir\\x', 'C:\\\\dir\\\\x'],
    ['numbers and booleans', 418, '418'],
    ['false', false, 'false'],
    ['a date as its ISO instant', new Date('2026-11-24T13:07:26.123Z'), '2026-11-24T13:07:26.123Z'],
    ['an array as a text[] literal', ['name', 'emails'], '{"name","emails"}'],
    [
      'array elements with quotes, backslashes, commas and NULL',
      ['a"b', 'c\\d', 'e,f', null],
      '{"a\\\\"b","c\\\\\\\\d","e,f",NULL}',
    ],
    ['an empty array', [], '{}'],
    [
      'an object as JSON, its escapes escaped again',
      { filter: 'userName eq "x"\n' },
      '{"filter":"userName eq \\\\"x\\\\"\\\\n"}',
    ],
  ])('%s', (_, value, expected) => {
    expect(copyField(value)).toBe(expected);
  });

  it('refuses arrays of anything but strings, which a text[] literal would misquote', () => {
    expect(() => copyField([1, { a: 1 }])).toThrow(TypeError);
  });

  it('joins a row with tabs and ends it with a newline', () => {
    expect(copyLine(['a', null, 3])).toBe('a\t\\N\t3\n');
  });
});
