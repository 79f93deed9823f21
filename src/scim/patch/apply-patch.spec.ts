import { CORE_GROUP_SCHEMA, CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, PATCH_OP_SCHEMA } from '../constants';
import { ScimError } from '../errors';
import { attr } from '../schema/attribute';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from '../schema/resource-types';
import type { ResourceTypeDefinition, ScimResource } from '../schema/types';
import { applyPatch } from './apply-patch';
import { parsePatchRequest } from './operations';

const E = ENTERPRISE_USER_SCHEMA;

function baseUser(): ScimResource {
  return {
    schemas: [CORE_USER_SCHEMA],
    id: 'u1',
    userName: 'bjensen@example.com',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    active: true,
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@home.org', type: 'home' },
    ],
    meta: { resourceType: 'User', created: '2024-01-01T00:00:00Z' },
  };
}

function baseGroup(): ScimResource {
  return { schemas: [CORE_GROUP_SCHEMA], id: 'g1', displayName: 'Admins', meta: { resourceType: 'Group' } };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const patchUser = (ops: unknown[], user: ScimResource = baseUser()) =>
  applyPatch(deepFreeze(user), ops, USER_RESOURCE_TYPE);
const patchGroup = (ops: unknown[], group: ScimResource = baseGroup()) =>
  applyPatch(deepFreeze(group), ops, GROUP_RESOURCE_TYPE);

function errorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

describe('applyPatch on User: resulting attributes', () => {
  const cases: [string, unknown[], Record<string, unknown>][] = [
    [
      'op names in any case',
      [
        { op: 'Replace', path: 'title', value: 'Boss' },
        { op: 'ADD', path: 'nickName', value: 'Babs' },
      ],
      { title: 'Boss', nickName: 'Babs' },
    ],
    ['remove in any case', [{ op: 'REMOVE', path: 'name.givenName' }], { name: { familyName: 'Jensen' } }],
    ['boolean as "False"', [{ op: 'Replace', path: 'active', value: 'False' }], { active: false }],
    ['boolean as "True"', [{ op: 'replace', path: 'active', value: 'True' }], { active: true }],
    ['Okta deactivation (no path)', [{ op: 'replace', value: { active: false } }], { active: false }],
    [
      'attribute names in any case',
      [{ op: 'replace', path: 'NAME.GIVENNAME', value: 'Babs' }],
      { name: { givenName: 'Babs', familyName: 'Jensen' } },
    ],
    [
      'replace of a complex attribute keeps other sub-attributes',
      [{ op: 'replace', path: 'name', value: { givenName: 'B' } }],
      { name: { givenName: 'B', familyName: 'Jensen' } },
    ],
    [
      'null sub-attribute clears it',
      [{ op: 'replace', path: 'name', value: { givenName: null } }],
      { name: { familyName: 'Jensen' } },
    ],
    [
      'no-path dotted keys',
      [{ op: 'replace', value: { 'name.givenName': 'Babs', 'name.familyName': 'J' } }],
      { name: { givenName: 'Babs', familyName: 'J' } },
    ],
    [
      'single-element array for a singular attribute',
      [{ op: 'replace', path: 'displayName', value: ['Babs'] }],
      { displayName: 'Babs' },
    ],
    ['null clears', [{ op: 'replace', path: 'name', value: null }], { name: undefined }],
    [
      '[] clears a multi-valued attribute',
      [{ op: 'replace', path: 'emails', value: [] }],
      { emails: undefined },
    ],
    ['no-path null clears', [{ op: 'replace', value: { emails: null, title: null } }], { emails: undefined }],
    [
      'replace emails[type eq "work"].value updates the match',
      [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }],
      {
        emails: [
          { value: 'new@example.com', type: 'work', primary: true },
          { value: 'babs@home.org', type: 'home' },
        ],
      },
    ],
    [
      'replace phoneNumbers[type eq "work"].value creates the entry (Entra)',
      [{ op: 'Replace', path: 'phoneNumbers[type eq "work"].value', value: '555-1234' }],
      { phoneNumbers: [{ type: 'work', value: '555-1234' }] },
    ],
    [
      'add addresses[type eq "work"].locality creates the entry',
      [{ op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Paris' }],
      { addresses: [{ type: 'work', locality: 'Paris' }] },
    ],
    [
      'replace with a compound filter seeds every sub-attribute',
      [{ op: 'replace', path: 'emails[type eq "other" and primary eq true].value', value: 'o@x.org' }],
      {
        emails: [
          { value: 'bjensen@example.com', type: 'work', primary: false },
          { value: 'babs@home.org', type: 'home' },
          { type: 'other', primary: true, value: 'o@x.org' },
        ],
      },
    ],
    [
      'add to a multi-valued attribute appends, an identical value is not repeated',
      [{ op: 'add', path: 'emails', value: [{ value: 'babs@home.org', type: 'home' }, { value: 'x@y.z' }] }],
      {
        emails: [
          { value: 'bjensen@example.com', type: 'work', primary: true },
          { value: 'babs@home.org', type: 'home' },
          { value: 'x@y.z' },
        ],
      },
    ],
    [
      'a new primary value demotes the old one',
      [{ op: 'add', path: 'emails', value: { value: 'p@y.z', primary: 'true' } }],
      {
        emails: [
          { value: 'bjensen@example.com', type: 'work', primary: false },
          { value: 'babs@home.org', type: 'home' },
          { value: 'p@y.z', primary: true },
        ],
      },
    ],
    [
      'remove with a value filter',
      [{ op: 'remove', path: 'emails[type eq "home"]' }],
      { emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }] },
    ],
    [
      'remove a sub-attribute of filtered values',
      [{ op: 'remove', path: 'emails[type eq "work"].primary' }],
      {
        emails: [
          { value: 'bjensen@example.com', type: 'work' },
          { value: 'babs@home.org', type: 'home' },
        ],
      },
    ],
    [
      'remove with a value list removes only those values',
      [{ op: 'remove', path: 'emails', value: [{ value: 'BABS@home.org' }] }],
      { emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }] },
    ],
    [
      'remove of an absent attribute is a no-op',
      [{ op: 'remove', path: 'nickName' }],
      { nickName: undefined },
    ],
    [
      'filtered replace of a whole value merges it',
      [{ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'h@h.org' } }],
      {
        emails: [
          { value: 'bjensen@example.com', type: 'work', primary: true },
          { value: 'h@h.org', type: 'home' },
        ],
      },
    ],
    [
      'extension attribute by URN path',
      [{ op: 'Add', path: `${E}:department`, value: 'Eng' }],
      { [E]: { department: 'Eng' }, schemas: [CORE_USER_SCHEMA, E] },
    ],
    [
      'manager as a bare id (Entra)',
      [{ op: 'Replace', path: `${E}:manager`, value: 'm1' }],
      { [E]: { manager: { value: 'm1' } } },
    ],
    [
      'manager.value path',
      [{ op: 'add', path: `${E}:manager.value`, value: 'm2' }],
      { [E]: { manager: { value: 'm2' } } },
    ],
    [
      'no-path URN-qualified keys',
      [
        {
          op: 'replace',
          value: { [`${E}:department`]: 'Ops', [`${E}:manager`]: { value: 'm3', displayName: 'ignored' } },
        },
      ],
      { [E]: { department: 'Ops', manager: { value: 'm3' } } },
    ],
    [
      'no-path extension object',
      [{ op: 'add', value: { [E]: { employeeNumber: 701984, Division: 'X' } } }],
      { [E]: { employeeNumber: '701984', division: 'X' } },
    ],
    [
      'unknown keys in a no-path value are ignored',
      [{ op: 'replace', value: { favouriteColour: 'blue', title: 'T' } }],
      { title: 'T', favouriteColour: undefined },
    ],
    [
      'Okta echoes the id it already has',
      [{ op: 'replace', value: { id: 'u1', title: 'T' } }],
      { id: 'u1', title: 'T' },
    ],
  ];
  it.each(cases)('%s', (_name, ops, expected) => {
    const { resource } = patchUser(ops);
    for (const [key, value] of Object.entries(expected)) expect(resource[key]).toEqual(value);
  });

  it('an empty Operations array is a valid no-op', () => {
    const user = baseUser();
    const result = applyPatch(
      user,
      parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: [] }),
      USER_RESOURCE_TYPE,
    );
    expect(result).toEqual({ resource: user, changedAttributes: [], memberChanges: [] });
    expect(result.resource).not.toBe(user);
  });

  it('takes the extension URN itself as a path', () => {
    const added = patchUser([
      { op: 'add', path: E, value: { department: 'Eng', costCenter: 'CC1' } },
    ]).resource;
    expect(added[E]).toEqual({ department: 'Eng', costCenter: 'CC1' });
    const removed = patchUser([{ op: 'remove', path: E }], added).resource;
    expect(removed[E]).toBeUndefined();
    expect(removed.schemas).toEqual([CORE_USER_SCHEMA]);
  });

  it('removing the last extension attribute removes the extension and its URN', () => {
    const user = { ...baseUser(), schemas: [CORE_USER_SCHEMA, E], [E]: { department: 'Eng' } };
    const { resource } = patchUser([{ op: 'remove', path: `${E}:department` }], user);
    expect(resource[E]).toBeUndefined();
    expect(resource.schemas).toEqual([CORE_USER_SCHEMA]);
  });

  it('reports only attributes that really changed', () => {
    const { changedAttributes } = patchUser([
      { op: 'replace', path: 'active', value: true }, // unchanged
      { op: 'replace', path: 'name.givenName', value: 'B' },
      { op: 'add', path: `${E}:department`, value: 'Eng' },
      { op: 'add', path: 'emails', value: { value: 'bjensen@example.com', type: 'work', primary: true } }, // already there
    ]);
    expect(changedAttributes).toEqual(['name', `${E}:department`]);
  });

  it('takes a password out of the resource', () => {
    const result = patchUser([{ op: 'replace', value: { password: 's3cret!' } }]);
    expect(result.password).toBe('s3cret!');
    expect(result.resource.password).toBeUndefined();
    expect(result.changedAttributes).toEqual(['password']);
  });
});

describe('applyPatch errors', () => {
  const cases: [string, unknown[], number, string, RegExp?][] = [
    ['remove without a path', [{ op: 'remove' }], 400, 'noTarget'],
    [
      'remove with a filter matching nothing',
      [{ op: 'remove', path: 'emails[type eq "other"]' }],
      400,
      'noTarget',
    ],
    [
      'replace with a non-seedable filter matching nothing',
      [{ op: 'replace', path: 'emails[value co "zzz"].type', value: 'x' }],
      400,
      'noTarget',
    ],
    ['unknown attribute path', [{ op: 'replace', path: 'favouriteColour', value: 'x' }], 400, 'invalidPath'],
    ['malformed path', [{ op: 'replace', path: 'emails[type eq "work"', value: 'x' }], 400, 'invalidPath'],
    [
      'unknown attribute in a path filter',
      [{ op: 'replace', path: 'emails[kind eq "work"].value', value: 'x' }],
      400,
      'invalidPath',
    ],
    [
      'filter on a singular attribute',
      [{ op: 'replace', path: 'name[givenName eq "x"]', value: 'x' }],
      400,
      'invalidPath',
    ],
    ['readOnly id', [{ op: 'replace', path: 'id', value: 'other' }], 400, 'mutability'],
    ['readOnly id in a no-path value', [{ op: 'replace', value: { id: 'other' } }], 400, 'mutability'],
    [
      'readOnly meta.created',
      [{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }],
      400,
      'mutability',
    ],
    ['readOnly groups', [{ op: 'add', path: 'groups', value: [{ value: 'g1' }] }], 400, 'mutability'],
    [
      'readOnly manager.displayName',
      [{ op: 'replace', path: `${E}:manager.displayName`, value: 'x' }],
      400,
      'mutability',
    ],
    ['wrong boolean', [{ op: 'replace', path: 'active', value: 'banana' }], 400, 'invalidValue'],
    [
      'string for a multi-valued complex',
      [{ op: 'replace', path: 'emails', value: 'x' }],
      400,
      'invalidValue',
    ],
    ['object for a string', [{ op: 'replace', path: 'title', value: { a: 1 } }], 400, 'invalidValue'],
    [
      'two values for a singular attribute',
      [{ op: 'replace', path: 'title', value: ['a', 'b'] }],
      400,
      'invalidValue',
    ],
    ['no-path value not an object', [{ op: 'add', value: 'x' }], 400, 'invalidValue'],
    ['required userName removed', [{ op: 'remove', path: 'userName' }], 400, 'invalidValue'],
    [
      'required userName set to null',
      [{ op: 'replace', path: 'userName', value: null }],
      400,
      'invalidValue',
    ],
    ['unknown op', [{ op: 'merge', path: 'title', value: 'x' }], 400, 'invalidSyntax'],
    ['add without value', [{ op: 'add', path: 'title' }], 400, 'invalidValue'],
    ['operation not an object', ['add'], 400, 'invalidSyntax'],
  ];
  it.each(cases)('%s', (_name, ops, status, scimType) => {
    const err = errorOf(() => patchUser(ops));
    expect(err.status).toBe(status);
    expect(err.scimType).toBe(scimType);
    expect(err.detail).toMatch(/^Operations\[0\]/);
  });

  it('is all or nothing: a failing operation leaves the input untouched', () => {
    const user = deepFreeze(baseUser());
    const snapshot = JSON.stringify(user);
    expect(() =>
      applyPatch(
        user,
        [
          { op: 'replace', path: 'title', value: 'Boss' },
          { op: 'remove', path: 'emails[type eq "work"]' },
          { op: 'replace', path: 'active', value: 'banana' },
        ],
        USER_RESOURCE_TYPE,
      ),
    ).toThrow(/Operations\[2\]/);
    expect(JSON.stringify(user)).toBe(snapshot);
  });

  it('an immutable attribute may be set once, then not changed', () => {
    const rt: ResourceTypeDefinition = {
      ...USER_RESOURCE_TYPE,
      schema: {
        ...USER_RESOURCE_TYPE.schema,
        attributes: [
          ...USER_RESOURCE_TYPE.schema.attributes,
          attr('badge', 'string', { mutability: 'immutable' }),
        ],
      },
    };
    const first = applyPatch(baseUser(), [{ op: 'add', path: 'badge', value: 'B1' }], rt).resource;
    expect(first.badge).toBe('B1');
    expect(applyPatch(first, [{ op: 'add', path: 'badge', value: 'B1' }], rt).changedAttributes).toEqual([]);
    expect(
      errorOf(() => applyPatch(first, [{ op: 'replace', path: 'badge', value: 'B2' }], rt)).scimType,
    ).toBe('mutability');
    expect(errorOf(() => applyPatch(first, [{ op: 'remove', path: 'badge' }], rt)).scimType).toBe(
      'mutability',
    );
  });

  it('limits the number of operations', () => {
    const ops = Array.from({ length: 3 }, () => ({ op: 'add', path: 'title', value: 'x' }));
    expect(errorOf(() => applyPatch(baseUser(), ops, USER_RESOURCE_TYPE, { maxOperations: 2 })).status).toBe(
      400,
    );
  });
});

describe('prototype pollution', () => {
  afterEach(() => expect(({} as Record<string, unknown>).polluted).toBeUndefined());

  it.each([
    '__proto__.polluted',
    'constructor.prototype',
    'name.__proto__',
    'prototype',
    'emails[__proto__ eq "x"].value',
    'emails[type eq "x"].constructor',
    `${E}:__proto__`,
  ])('rejects path %s', (path) => {
    const err = errorOf(() => patchUser([{ op: 'add', path, value: { polluted: 'yes' } }]));
    expect(err.scimType).toBe('invalidPath');
  });

  it.each([
    '{"op":"add","value":{"__proto__":{"polluted":"yes"}}}',
    '{"op":"add","value":{"constructor":{"prototype":{"polluted":"yes"}}}}',
    '{"op":"replace","path":"name","value":{"__proto__":{"polluted":"yes"},"givenName":"B"}}',
    '{"op":"add","path":"emails","value":[{"value":"a@b.c","__proto__":{"polluted":"yes"}}]}',
    `{"op":"add","value":{"${E}":{"__proto__":{"polluted":"yes"}}}}`,
  ])('ignores forbidden keys in value %s', (json) => {
    const { resource } = patchUser([JSON.parse(json)]);
    expect(Object.getPrototypeOf(resource)).toBe(Object.prototype);
    expect(JSON.stringify(resource)).not.toContain('polluted');
  });

  it('drops forbidden keys already present in the stored resource', () => {
    const stored = JSON.parse('{"schemas":[],"userName":"a","__proto__":{"polluted":"yes"}}');
    expect(JSON.stringify(patchUser([], stored).resource)).not.toContain('polluted');
  });
});

describe('exact IdP PATCH bodies', () => {
  it('Okta: deactivate a user', () => {
    const body = { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] };
    const result = patchUser(parsePatchRequest(body));
    expect(result.resource.active).toBe(false);
    expect(result.changedAttributes).toEqual(['active']);
  });

  it('Okta: profile update with a no-path replace', () => {
    const body = {
      schemas: [PATCH_OP_SCHEMA],
      Operations: [
        {
          op: 'replace',
          value: { 'name.givenName': 'Barb', emails: [{ value: 'b@x.com', primary: true, type: 'work' }] },
        },
      ],
    };
    const { resource } = patchUser(parsePatchRequest(body));
    expect(resource.name).toEqual({ givenName: 'Barb', familyName: 'Jensen' });
    expect(resource.emails).toEqual([{ value: 'b@x.com', primary: true, type: 'work' }]);
  });

  it('Okta: rename a group (with its id echoed) and change members', () => {
    const body = {
      schemas: [PATCH_OP_SCHEMA],
      Operations: [
        { op: 'replace', value: { id: 'g1', displayName: 'Admins 2' } },
        {
          op: 'add',
          path: 'members',
          value: [
            { value: 'u1', display: 'a@x.com' },
            { value: 'u2', display: 'b@x.com' },
          ],
        },
        { op: 'remove', path: 'members[value eq "u3"]' },
      ],
    };
    const result = patchGroup(parsePatchRequest(body));
    expect(result.resource.displayName).toBe('Admins 2');
    expect(result.memberChanges).toEqual([
      {
        kind: 'add',
        values: [
          { value: 'u1', display: 'a@x.com' },
          { value: 'u2', display: 'b@x.com' },
        ],
      },
      { kind: 'remove', values: ['u3'] },
    ]);
    expect(result.changedAttributes).toEqual(['displayName', 'members']);
  });

  it('Entra: user update', () => {
    const body = {
      schemas: [PATCH_OP_SCHEMA],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'barbara@example.com' },
        { op: 'Replace', path: 'name.givenName', value: 'Barbara2' },
        { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555' },
        { op: 'Add', path: `${E}:manager`, value: 'm1' },
        { op: 'Replace', path: `${E}:department`, value: 'Eng' },
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Add', path: 'externalId', value: 'ext-1' },
      ],
    };
    const { resource, changedAttributes } = patchUser(parsePatchRequest(body));
    expect(resource).toMatchObject({
      active: false,
      externalId: 'ext-1',
      name: { givenName: 'Barbara2', familyName: 'Jensen' },
      phoneNumbers: [{ type: 'mobile', value: '+1 555' }],
      [E]: { manager: { value: 'm1' }, department: 'Eng' },
    });
    expect((resource.emails as unknown[])[0]).toEqual({
      value: 'barbara@example.com',
      type: 'work',
      primary: true,
    });
    expect(resource.schemas).toEqual([CORE_USER_SCHEMA, E]);
    expect(changedAttributes).toEqual([
      'emails',
      'name',
      'phoneNumbers',
      `${E}:manager`,
      `${E}:department`,
      'active',
      'externalId',
    ]);
  });

  it('Entra: remove the manager', () => {
    const user = { ...baseUser(), schemas: [CORE_USER_SCHEMA, E], [E]: { manager: { value: 'm1' } } };
    const { resource } = patchUser([{ op: 'Remove', path: `${E}:manager`, value: [{ value: 'm1' }] }], user);
    expect(resource[E]).toBeUndefined();
  });

  it('Entra: group membership', () => {
    const body = {
      schemas: [PATCH_OP_SCHEMA],
      Operations: [
        { op: 'Add', path: 'members', value: [{ value: 'u1' }, { value: 'u1' }] },
        { op: 'Remove', path: 'members', value: [{ value: 'u2' }, { value: 'u3' }] },
        { op: 'Replace', path: 'displayName', value: 'Ops' },
      ],
    };
    expect(patchGroup(parsePatchRequest(body)).memberChanges).toEqual([
      { kind: 'add', values: [{ value: 'u1' }] },
      { kind: 'remove', values: ['u2', 'u3'] },
    ]);
  });
});

describe('group members come out as membership changes', () => {
  const cases: [string, unknown[], unknown[]][] = [
    [
      'add without type',
      [{ op: 'add', path: 'members', value: [{ value: 'u1' }] }],
      [{ kind: 'add', values: [{ value: 'u1' }] }],
    ],
    [
      'add with type in any case',
      [{ op: 'add', path: 'members', value: [{ value: 'g2', type: 'group' }] }],
      [{ kind: 'add', values: [{ value: 'g2', type: 'Group' }] }],
    ],
    ['add of nothing', [{ op: 'add', path: 'members', value: [] }], []],
    [
      'replace with []',
      [{ op: 'replace', path: 'members', value: [] }],
      [{ kind: 'replaceAll', values: [] }],
    ],
    [
      'replace',
      [{ op: 'replace', path: 'members', value: [{ value: 'u9' }] }],
      [{ kind: 'replaceAll', values: [{ value: 'u9' }] }],
    ],
    [
      'no-path replace',
      [{ op: 'replace', value: { members: [{ value: 'u9' }] } }],
      [{ kind: 'replaceAll', values: [{ value: 'u9' }] }],
    ],
    ['remove all', [{ op: 'remove', path: 'members' }], [{ kind: 'removeAll' }]],
    [
      'remove by id filter',
      [{ op: 'remove', path: 'members[value eq "a" or value eq "b"]' }],
      [{ kind: 'remove', values: ['a', 'b'] }],
    ],
    [
      'remove by other filter',
      [{ op: 'remove', path: 'members[type eq "Group"]' }],
      [
        {
          kind: 'removeWhere',
          filter: {
            kind: 'compare',
            path: { schema: CORE_GROUP_SCHEMA, attr: 'members', subAttr: 'type' },
            op: 'eq',
            value: 'Group',
          },
        },
      ],
    ],
    [
      'replace a filtered member',
      [{ op: 'replace', path: 'members[value eq "a"]', value: [{ value: 'b' }] }],
      [
        { kind: 'remove', values: ['a'] },
        { kind: 'add', values: [{ value: 'b' }] },
      ],
    ],
  ];
  it.each(cases)('%s', (_name, ops, expected) => {
    const result = patchGroup(ops);
    expect(result.memberChanges).toEqual(expected);
    expect(result.resource.members).toBeUndefined();
  });

  it.each([
    ['member without value', [{ op: 'add', path: 'members', value: [{ display: 'x' }] }], 'invalidValue'],
    [
      'member with a bad type',
      [{ op: 'add', path: 'members', value: [{ value: 'x', type: 'Robot' }] }],
      'invalidValue',
    ],
    [
      'member sub-attribute in place',
      [{ op: 'replace', path: 'members[value eq "a"].value', value: 'b' }],
      'mutability',
    ],
    ['displayName removed', [{ op: 'remove', path: 'displayName' }], 'invalidValue'],
  ])('%s', (_name, ops, scimType) => {
    expect(errorOf(() => patchGroup(ops)).scimType).toBe(scimType);
  });
});
