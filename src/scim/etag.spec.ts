import {
  etagFromVersion,
  evaluatePreconditions,
  ifMatchSatisfied,
  ifNoneMatchSatisfied,
  parseEtagList,
  versionFromEtag,
} from './etag';

describe('etag', () => {
  it('formats and parses versions', () => {
    expect(etagFromVersion(3)).toBe('W/"3"');
    expect(versionFromEtag('W/"3"')).toBe(3);
    expect(versionFromEtag('"12"')).toBe(12);
    expect(versionFromEtag('W/"abc"')).toBeUndefined();
    expect(versionFromEtag('3')).toBeUndefined();
    expect(parseEtagList(' W/"1", "2",W/"3" ')).toEqual(['1', '2', '3']);
    expect(parseEtagList('*')).toBe('*');
  });

  it.each([
    [undefined, 3, true],
    ['*', 3, true],
    ['*', undefined, false],
    ['W/"3"', 3, true],
    ['"3"', 3, true],
    ['W/"2", W/"3"', 3, true],
    ['W/"2"', 3, false],
    ['W/"3"', undefined, false],
  ])('If-Match %s with version %s -> %s', (header, version, expected) => {
    expect(ifMatchSatisfied(header, version)).toBe(expected);
  });

  it.each([
    [undefined, 3, true],
    ['*', 3, false],
    ['*', undefined, true],
    ['W/"3"', 3, false],
    ['W/"1", W/"2"', 3, true],
  ])('If-None-Match %s with version %s -> %s', (header, version, expected) => {
    expect(ifNoneMatchSatisfied(header, version)).toBe(expected);
  });

  it('turns failures into 304 for reads and 412 for writes', () => {
    expect(evaluatePreconditions({ ifNoneMatch: 'W/"3"' }, 3, true)).toEqual({ ok: false, status: 304 });
    expect(evaluatePreconditions({ ifNoneMatch: 'W/"3"' }, 3, false)).toEqual({ ok: false, status: 412 });
    expect(evaluatePreconditions({ ifMatch: 'W/"2"' }, 3, false)).toEqual({ ok: false, status: 412 });
    expect(evaluatePreconditions({ ifMatch: 'W/"3"' }, 3, false)).toEqual({ ok: true });
  });
});
