import {
  CORE_GROUP_SCHEMA,
  CORE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  ENTRA_LEGACY_GROUP_SCHEMA,
} from '../constants';
import { ScimError } from '../errors';
import { parseGroup, parseUser } from './parse-resource';

const E = ENTERPRISE_USER_SCHEMA;
const create = { mode: 'create' } as const;

function errorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

describe('parseUser', () => {
  it('canonicalises an Okta create body', () => {
    const body = {
      schemas: [CORE_USER_SCHEMA, E],
      UserName: 'bjensen@example.com',
      name: { GivenName: 'Barbara', familyName: 'Jensen', middle: 'ignored' },
      emails: [{ primary: 'True', value: 'bjensen@example.com', type: 'work' }],
      displayName: ['Barbara Jensen'],
      active: 'true',
      password: 'p@ss',
      id: 'client-chosen',
      groups: [{ value: 'g1' }],
      meta: { created: 'x' },
      favouriteColour: 'blue',
      [E]: { employeeNumber: 42, manager: 'm1' },
    };
    expect(parseUser(body, create)).toEqual({
      resource: {
        schemas: [CORE_USER_SCHEMA, E],
        userName: 'bjensen@example.com',
        name: { givenName: 'Barbara', familyName: 'Jensen' },
        emails: [{ primary: true, value: 'bjensen@example.com', type: 'work' }],
        displayName: 'Barbara Jensen',
        active: true,
        [E]: { employeeNumber: '42', manager: { value: 'm1' } },
      },
      password: 'p@ss',
    });
  });

  it('accepts the enterprise URN listed with no extension object', () => {
    const { resource } = parseUser({ schemas: [CORE_USER_SCHEMA, E], userName: 'a' }, create);
    expect(resource).toEqual({ schemas: [CORE_USER_SCHEMA], userName: 'a' });
  });

  it('accepts URN-qualified keys at the top level (Entra)', () => {
    const { resource } = parseUser(
      { schemas: [CORE_USER_SCHEMA], userName: 'a', [`${E}:department`]: 'Eng' },
      create,
    );
    expect(resource).toEqual({ schemas: [CORE_USER_SCHEMA, E], userName: 'a', [E]: { department: 'Eng' } });
  });

  it('keeps id and meta of the existing resource on replace', () => {
    const existing = { schemas: [CORE_USER_SCHEMA], id: 'u1', userName: 'a', meta: { version: 'W/"3"' } };
    const { resource } = parseUser(
      { schemas: [CORE_USER_SCHEMA], id: 'other', userName: 'b' },
      { mode: 'replace', existing },
    );
    expect(resource).toEqual({
      schemas: [CORE_USER_SCHEMA],
      id: 'u1',
      userName: 'b',
      meta: { version: 'W/"3"' },
    });
  });

  it('never lets a body pollute prototypes', () => {
    const body = JSON.parse(
      `{"schemas":["${CORE_USER_SCHEMA}"],"userName":"a","__proto__":{"polluted":1},"name":{"__proto__":{"polluted":1}}}`,
    );
    const { resource } = parseUser(body, create);
    expect(JSON.stringify(resource)).not.toContain('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['not an object', 'x', 'invalidSyntax'],
    ['an array', [], 'invalidSyntax'],
    ['no schemas', { userName: 'a' }, 'invalidSyntax'],
    ['wrong schema', { schemas: [CORE_GROUP_SCHEMA], userName: 'a' }, 'invalidValue'],
    ['missing userName', { schemas: [CORE_USER_SCHEMA] }, 'invalidValue'],
    ['empty userName', { schemas: [CORE_USER_SCHEMA], userName: '' }, 'invalidValue'],
    ['active: "banana"', { schemas: [CORE_USER_SCHEMA], userName: 'a', active: 'banana' }, 'invalidValue'],
    ['emails: "x"', { schemas: [CORE_USER_SCHEMA], userName: 'a', emails: 'x' }, 'invalidValue'],
    ['name: 5', { schemas: [CORE_USER_SCHEMA], userName: 'a', name: 5 }, 'invalidValue'],
    ['two titles', { schemas: [CORE_USER_SCHEMA], userName: 'a', title: ['a', 'b'] }, 'invalidValue'],
    ['extension not an object', { schemas: [CORE_USER_SCHEMA, E], userName: 'a', [E]: 'x' }, 'invalidValue'],
  ])('rejects %s', (_name, body, scimType) => {
    const err = errorOf(() => parseUser(body, create));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe(scimType);
  });
});

describe('parseGroup', () => {
  it('accepts the Entra legacy group schema and returns members separately', () => {
    const parsed = parseGroup(
      {
        schemas: [ENTRA_LEGACY_GROUP_SCHEMA],
        displayName: 'Admins',
        externalId: 'e1',
        members: [{ value: 'u1' }, { value: 'u1', type: 'user' }],
      },
      create,
    );
    expect(parsed).toEqual({
      resource: { schemas: [CORE_GROUP_SCHEMA], displayName: 'Admins', externalId: 'e1' },
      members: [{ value: 'u1' }],
    });
  });

  it('requires displayName', () => {
    expect(errorOf(() => parseGroup({ schemas: [CORE_GROUP_SCHEMA] }, create)).scimType).toBe('invalidValue');
  });

  it('leaves members undefined when absent', () => {
    expect(parseGroup({ schemas: [CORE_GROUP_SCHEMA], displayName: 'x' }, create).members).toBeUndefined();
  });
});
