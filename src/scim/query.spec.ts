import { CORE_USER_SCHEMA, LIST_RESPONSE_SCHEMA, SEARCH_REQUEST_SCHEMA } from './constants';
import { decodeCursor, encodeCursor, queryFingerprint } from './cursor';
import { ScimError } from './errors';
import { listResponse, parseListQuery, parseSearchRequest } from './query';
import { USER_RESOURCE_TYPE } from './schema/resource-types';

const options = { defaultCount: 100, maxCount: 200 };

function errorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

describe('parseListQuery', () => {
  it('applies defaults', () => {
    expect(parseListQuery({}, USER_RESOURCE_TYPE, options)).toEqual({
      startIndex: 1,
      count: 100,
      sortOrder: 'ascending',
      attributes: [],
      excludedAttributes: [],
    });
  });

  it.each([
    [{ startIndex: '0' }, { startIndex: 1 }],
    [{ startIndex: '-5' }, { startIndex: 1 }],
    [{ startIndex: '11' }, { startIndex: 11 }],
    [{ count: '-1' }, { count: 0 }],
    [{ count: '0' }, { count: 0 }],
    [{ count: '5000' }, { count: 200 }],
    [{ COUNT: '7' }, { count: 7 }],
    [
      { sortBy: 'NAME.familyName', sortOrder: 'DESCENDING' },
      { sortBy: { schema: CORE_USER_SCHEMA, attr: 'name', subAttr: 'familyName' }, sortOrder: 'descending' },
    ],
    [{ sortBy: 'emails' }, { sortBy: { schema: CORE_USER_SCHEMA, attr: 'emails', subAttr: 'value' } }],
    [{ attributes: 'userName, name.givenName,,' }, { attributes: ['userName', 'name.givenName'] }],
    [{ excludedAttributes: 'members' }, { excludedAttributes: ['members'] }],
    [{ cursor: '' }, { cursor: '' }],
    [{ cursor: 'abc', startIndex: '3' }, { cursor: 'abc' }],
    [
      { filter: 'userName eq "bjensen"' },
      {
        filterText: 'userName eq "bjensen"',
        filter: {
          kind: 'compare',
          path: { schema: CORE_USER_SCHEMA, attr: 'userName' },
          op: 'eq',
          value: 'bjensen',
        },
      },
    ],
  ])('%j', (params, expected) => {
    expect(parseListQuery(params, USER_RESOURCE_TYPE, options)).toMatchObject(expected);
  });

  it.each([
    [{ startIndex: 'x' }, 'invalidValue'],
    [{ count: '1.5' }, 'invalidValue'],
    [{ count: ['1', '2'] }, 'invalidValue'],
    [{ sortOrder: 'up' }, 'invalidValue'],
    [{ sortBy: 'nope' }, 'invalidValue'],
    [{ attributes: 'a b' }, 'invalidValue'],
    [{ filter: 'userName eq' }, 'invalidFilter'],
    [{ filter: 'nope eq "x"' }, 'invalidFilter'],
  ])('rejects %j', (params, scimType) => {
    const err = errorOf(() => parseListQuery(params, USER_RESOURCE_TYPE, options));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe(scimType);
  });
});

describe('parseSearchRequest', () => {
  it('reads a SearchRequest body', () => {
    const body = {
      schemas: [SEARCH_REQUEST_SCHEMA],
      attributes: ['displayName', 'userName'],
      excludedAttributes: [],
      filter: 'displayName sw "smith"',
      startIndex: 1,
      count: 10,
    };
    expect(parseSearchRequest(body, USER_RESOURCE_TYPE, options)).toMatchObject({
      attributes: ['displayName', 'userName'],
      startIndex: 1,
      count: 10,
      filter: { kind: 'compare', op: 'sw' },
    });
  });

  it.each([
    ['not an object', 'x', 'invalidSyntax'],
    ['no schema', { filter: 'userName pr' }, 'invalidSyntax'],
    ['attributes not strings', { schemas: [SEARCH_REQUEST_SCHEMA], attributes: [1] }, 'invalidValue'],
    ['count a boolean', { schemas: [SEARCH_REQUEST_SCHEMA], count: true }, 'invalidValue'],
  ])('rejects %s', (_name, body, scimType) => {
    expect(errorOf(() => parseSearchRequest(body, USER_RESOURCE_TYPE, options)).scimType).toBe(scimType);
  });
});

describe('listResponse', () => {
  it('counts the resources actually returned', () => {
    expect(listResponse({ resources: [{ id: 'a' }], totalResults: 10, startIndex: 3 })).toEqual({
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: 10,
      itemsPerPage: 1,
      startIndex: 3,
      Resources: [{ id: 'a' }],
    });
  });

  it('carries cursors without a startIndex', () => {
    const page = listResponse({ resources: [], totalResults: 0, nextCursor: 'n', previousCursor: 'p' });
    expect(page).toEqual({
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: 0,
      itemsPerPage: 0,
      nextCursor: 'n',
      previousCursor: 'p',
      Resources: [],
    });
  });
});

describe('cursor', () => {
  const query = queryFingerprint({ filter: 'userName pr', sortBy: 'userName' });

  it('round-trips', () => {
    const position = { sortValue: 'bjensen', id: 'u1', query, expiresAt: 2_000 };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, { query, now: 1_000 })).toEqual(position);
  });

  it.each([
    'not base64!',
    'eyJ4Ijox',
    Buffer.from('[1]').toString('base64url'),
    Buffer.from('{"v":{},"i":"a"}').toString('base64url'),
    Buffer.from('{"v":1}').toString('base64url'),
  ])('rejects malformed %s', (cursor) => {
    expect(errorOf(() => decodeCursor(cursor)).scimType).toBe('invalidCursor');
  });

  it('rejects a cursor from another query', () => {
    const cursor = encodeCursor({ sortValue: null, id: 'u1', query });
    expect(errorOf(() => decodeCursor(cursor, { query: queryFingerprint({ filter: 'x' }) })).scimType).toBe(
      'invalidCursor',
    );
  });

  it('rejects an expired cursor', () => {
    const cursor = encodeCursor({ sortValue: 1, id: 'u1', expiresAt: 1_000 });
    const err = errorOf(() => decodeCursor(cursor, { now: 1_001 }));
    expect([err.status, err.scimType]).toEqual([400, 'expiredCursor']);
  });
});
