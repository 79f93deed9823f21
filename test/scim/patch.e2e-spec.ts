import { ENTERPRISE, GROUP_SCHEMA, newUser, patchOps, USER_SCHEMA } from '../support/scim-client';
import { ScimClient } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import {
  auditEvents,
  createGroup,
  createUser,
  expectScimError,
  expectStatus,
  memberIds,
  tenantClient,
} from './helpers';

const start = () =>
  newUser({
    schemas: [USER_SCHEMA, ENTERPRISE],
    displayName: 'Babs',
    title: 'Guide',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [
      { value: 'babs@work.com', type: 'work', primary: true },
      { value: 'babs@home.org', type: 'home' },
    ],
    phoneNumbers: [{ value: '555-1', type: 'work' }],
    [ENTERPRISE]: { department: 'Ops', costCenter: '42' },
  });

type Check = (user: Record<string, any>) => void;

describe('SCIM PATCH (RFC 7644 §3.5.2)', () => {
  let ctx: TestApp;
  let scim: ScimClient;
  let tenantId: string;
  beforeAll(async () => {
    ctx = await startTestApp();
    ({ scim, tenantId } = await tenantClient(ctx));
  });
  afterAll(async () => {
    await ctx.close();
  });

  const success: Array<[string, unknown[], Check]> = [
    [
      'add a simple attribute with a path',
      [{ op: 'add', path: 'nickName', value: 'B' }],
      (u) => expect(u.nickName).toBe('B'),
    ],
    [
      'replace with a path',
      [{ op: 'replace', path: 'title', value: 'Boss' }],
      (u) => expect(u.title).toBe('Boss'),
    ],
    ['remove with a path', [{ op: 'remove', path: 'title' }], (u) => expect(u.title).toBeUndefined()],
    [
      'add without a path merges',
      [{ op: 'add', value: { nickName: 'N', title: 'T' } }],
      (u) => expect([u.nickName, u.title, u.displayName]).toEqual(['N', 'T', 'Babs']),
    ],
    [
      'replace without a path',
      [{ op: 'replace', value: { displayName: 'New', active: false } }],
      (u) => expect([u.displayName, u.active]).toEqual(['New', false]),
    ],
    [
      'op names in any case (Entra)',
      [{ op: 'Replace', path: 'title', value: 'X' }],
      (u) => expect(u.title).toBe('X'),
    ],
    [
      'Entra "False" string for a boolean',
      [{ op: 'replace', path: 'active', value: 'False' }],
      (u) => expect(u.active).toBe(false),
    ],
    [
      'sub-attribute of a complex attribute',
      [{ op: 'replace', path: 'name.givenName', value: 'Barb' }],
      (u) => expect(u.name).toEqual({ givenName: 'Barb', familyName: 'Jensen' }),
    ],
    [
      'add to a multi-valued attribute appends',
      [{ op: 'add', path: 'emails', value: [{ value: 'x@y.z', type: 'other' }] }],
      (u) => expect(u.emails.map((e: any) => e.value)).toEqual(['babs@work.com', 'babs@home.org', 'x@y.z']),
    ],
    [
      'replace a multi-valued attribute',
      [{ op: 'replace', path: 'phoneNumbers', value: [{ value: '555-9', type: 'mobile' }] }],
      (u) => expect(u.phoneNumbers).toEqual([{ value: '555-9', type: 'mobile' }]),
    ],
    [
      'value-filtered path with a sub-attribute',
      [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@work.com' }],
      (u) => expect(u.emails.find((e: any) => e.type === 'work').value).toBe('new@work.com'),
    ],
    [
      'remove by value filter',
      [{ op: 'remove', path: 'emails[type eq "home"]' }],
      (u) => expect(u.emails.map((e: any) => e.type)).toEqual(['work']),
    ],
    [
      'remove a sub-attribute by value filter',
      [{ op: 'remove', path: 'emails[type eq "home"].type' }],
      (u) => expect(u.emails[1]).toEqual({ value: 'babs@home.org' }),
    ],
    [
      'filter with and',
      [{ op: 'replace', path: 'emails[type eq "work" and value co "@work"].display', value: 'Work' }],
      (u) => expect(u.emails[0].display).toBe('Work'),
    ],
    [
      'extension attribute by URN path',
      [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Sales' }],
      (u) => expect(u[ENTERPRISE].department).toBe('Sales'),
    ],
    [
      'extension sub-attribute by URN path',
      [{ op: 'add', path: `${ENTERPRISE}:manager.value`, value: 'm-1' }],
      (u) => expect(u[ENTERPRISE].manager).toEqual({ value: 'm-1' }),
    ],
    [
      'remove an extension attribute',
      [{ op: 'remove', path: `${ENTERPRISE}:costCenter` }],
      (u) => expect(u[ENTERPRISE]).toEqual({ department: 'Ops' }),
    ],
    [
      'URN-qualified keys in a no-path value (Entra)',
      [{ op: 'add', value: { [`${ENTERPRISE}:division`]: 'East', 'name.familyName': 'J' } }],
      (u) => expect([u[ENTERPRISE].division, u.name.familyName]).toEqual(['East', 'J']),
    ],
    [
      'an extension object in a no-path value',
      [{ op: 'replace', value: { [ENTERPRISE]: { department: 'HR' } } }],
      (u) => expect(u[ENTERPRISE].department).toBe('HR'),
    ],
    [
      'adding the extension adds its schema URN',
      [
        { op: 'remove', path: ENTERPRISE },
        { op: 'add', path: `${ENTERPRISE}:department`, value: 'Re' },
      ],
      (u) => expect(u.schemas).toContain(ENTERPRISE),
    ],
    [
      'Okta: replace {active:false} echoing the id',
      [{ op: 'replace', value: { id: '$id', active: false } }],
      (u) => expect(u.active).toBe(false),
    ],
    [
      'null clears an attribute',
      [{ op: 'replace', path: 'title', value: null }],
      (u) => expect(u.title).toBeUndefined(),
    ],
    [
      'several operations apply in order',
      [
        { op: 'add', path: 'title', value: 'A' },
        { op: 'replace', path: 'title', value: 'B' },
        { op: 'add', path: 'nickName', value: 'C' },
      ],
      (u) => expect([u.title, u.nickName]).toEqual(['B', 'C']),
    ],
    [
      'attribute names in any case',
      [{ op: 'replace', path: 'NAME.GIVENNAME', value: 'G' }],
      (u) => expect(u.name.givenName).toBe('G'),
    ],
    [
      'remove of an absent attribute is a no-op',
      [{ op: 'remove', path: 'nickName' }],
      (u) => expect(u.nickName).toBeUndefined(),
    ],
  ];

  it.each(success)('%s', async (_, operations, check) => {
    const user = await createUser(scim, start());
    const withId = JSON.parse(JSON.stringify(operations).replace('$id', user.id)) as unknown[];
    const response = await scim.patch(`/Users/${user.id}`, patchOps(...withId));
    expectStatus(response, 200);
    check(response.body);
    expect(response.headers.etag).toBe(response.body.meta.version);
    check((await scim.get(`/Users/${user.id}`)).body);
  });

  const failures: Array<[string, unknown[], string]> = [
    ['replace id (readOnly)', [{ op: 'replace', path: 'id', value: 'x' }], 'mutability'],
    [
      'a no-path value with another id',
      [{ op: 'replace', value: { id: '6d1a4e7f-9a8b-4c3d-8e2f-1a2b3c4d5e6f', active: false } }],
      'mutability',
    ],
    [
      'replace meta.created (readOnly)',
      [{ op: 'replace', path: 'meta.created', value: '2000-01-01T00:00:00Z' }],
      'mutability',
    ],
    ['add groups (readOnly)', [{ op: 'add', path: 'groups', value: [{ value: 'g' }] }], 'mutability'],
    [
      'manager.displayName (readOnly)',
      [{ op: 'replace', path: `${ENTERPRISE}:manager.displayName`, value: 'x' }],
      'mutability',
    ],
    ['remove userName (required)', [{ op: 'remove', path: 'userName' }], 'invalidValue'],
    ['an unknown attribute', [{ op: 'add', path: 'shoeSize', value: 42 }], 'invalidPath'],
    ['an unknown sub-attribute', [{ op: 'replace', path: 'name.nope', value: 'x' }], 'invalidPath'],
    [
      'an unknown extension',
      [{ op: 'replace', path: 'urn:example:nope:department', value: 'x' }],
      'invalidPath',
    ],
    ['a malformed path', [{ op: 'replace', path: 'emails[type eq', value: 'x' }], 'invalidPath'],
    ['remove without a path', [{ op: 'remove' }], 'noTarget'],
    [
      'a filter that matches nothing on replace of a sub-attribute of a non-matching email',
      [{ op: 'remove', path: 'emails[type eq "pager"]' }],
      'noTarget',
    ],
    ['a wrong type: active "banana"', [{ op: 'replace', path: 'active', value: 'banana' }], 'invalidValue'],
    [
      'a wrong type: emails "x" of an object',
      [{ op: 'replace', path: 'emails', value: [{ value: { a: 1 } }] }],
      'invalidValue',
    ],
    ['a wrong type: name a string', [{ op: 'replace', path: 'name', value: 'x' }], 'invalidValue'],
    ['add without a value', [{ op: 'add', path: 'title' }], 'invalidValue'],
    ['no-path add with a non-object value', [{ op: 'add', value: 'x' }], 'invalidValue'],
  ];

  it.each(failures)('%s is 400 %s and changes nothing', async (_, operations, scimType) => {
    const user = await createUser(scim, start());
    const before = (await auditEvents(ctx, tenantId)).length;
    const response = await scim.patch(`/Users/${user.id}`, patchOps(...operations));
    expectScimError(response, 400, scimType);
    const after = await scim.get(`/Users/${user.id}`);
    expect(after.body).toEqual(user);
    expect((await auditEvents(ctx, tenantId)).length).toBe(before);
  });

  it('is atomic: a failing later operation leaves nothing changed, and the detail names it', async () => {
    const user = await createUser(scim, start());
    const response = await scim.patch(
      `/Users/${user.id}`,
      patchOps(
        { op: 'replace', path: 'title', value: 'Changed' },
        { op: 'add', path: 'emails', value: [{ value: 'more@x.y' }] },
        { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Changed' },
        { op: 'replace', path: 'active', value: 'banana' },
      ),
    );
    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toContain('Operations[3]');
    const after = await scim.get(`/Users/${user.id}`);
    expect(after.body).toEqual(user);
  });

  it('is atomic for groups: a failing later operation leaves members and name untouched', async () => {
    const [a, b] = [await createUser(scim), await createUser(scim)];
    const group = await createGroup(scim, { members: [{ value: a.id }] });
    const response = await scim.patch(
      `/Groups/${group.id}`,
      patchOps(
        { op: 'add', path: 'members', value: [{ value: b.id }] },
        { op: 'remove', path: `members[value eq "${a.id}"]` },
        { op: 'replace', path: 'displayName', value: 'Renamed' },
        { op: 'replace', path: 'id', value: 'x' },
      ),
    );
    expectScimError(response, 400, 'mutability');
    const after = await scim.get(`/Groups/${group.id}`);
    expect(after.body.displayName).toBe(group.displayName);
    expect(memberIds(after.body)).toEqual([a.id]);
    expect(after.body.meta.version).toBe(group.meta.version);
  });

  it('is atomic when the failure comes from the database (uniqueness in a later operation)', async () => {
    const taken = await createUser(scim);
    const user = await createUser(scim, start());
    const response = await scim.patch(
      `/Users/${user.id}`,
      patchOps(
        { op: 'replace', path: 'title', value: 'Changed' },
        { op: 'replace', path: 'userName', value: taken.userName },
      ),
    );
    expectScimError(response, 409, 'uniqueness');
    expect((await scim.get(`/Users/${user.id}`)).body).toEqual(user);
  });

  describe('groups', () => {
    const groupCases: Array<[string, (ids: string[]) => unknown[], (ids: string[]) => string[]]> = [
      [
        'add members',
        (u) => [{ op: 'add', path: 'members', value: [{ value: u[2] }] }],
        (u) => [u[0], u[1], u[2]],
      ],
      [
        'add an existing member is a no-op',
        (u) => [{ op: 'add', path: 'members', value: [{ value: u[0] }] }],
        (u) => [u[0], u[1]],
      ],
      [
        'remove members[value eq]',
        (u) => [{ op: 'remove', path: `members[value eq "${u[0]}"]` }],
        (u) => [u[1]],
      ],
      [
        'remove members[value eq or value eq]',
        (u) => [{ op: 'remove', path: `members[value eq "${u[0]}" or value eq "${u[1]}"]` }],
        () => [],
      ],
      ['remove members[type eq "User"]', () => [{ op: 'remove', path: 'members[type eq "User"]' }], () => []],
      [
        'remove members with a value list (Entra)',
        (u) => [{ op: 'remove', path: 'members', value: [{ value: u[1] }] }],
        (u) => [u[0]],
      ],
      ['remove all members', () => [{ op: 'remove', path: 'members' }], () => []],
      [
        'replace members',
        (u) => [{ op: 'replace', path: 'members', value: [{ value: u[2] }, { value: u[1] }] }],
        (u) => [u[1], u[2]],
      ],
      ['replace members with []', () => [{ op: 'replace', path: 'members', value: [] }], () => []],
      [
        'replace members[value eq x] with y',
        (u) => [{ op: 'replace', path: `members[value eq "${u[0]}"]`, value: [{ value: u[2] }] }],
        (u) => [u[1], u[2]],
      ],
      [
        'no-path add of members',
        (u) => [{ op: 'add', value: { members: [{ value: u[2] }] } }],
        (u) => [u[0], u[1], u[2]],
      ],
      [
        'no-path replace of displayName and members',
        (u) => [{ op: 'replace', value: { displayName: `r${u[0]}`, members: [{ value: u[2] }] } }],
        (u) => [u[2]],
      ],
      [
        'add then remove in one request',
        (u) => [
          { op: 'add', path: 'members', value: [{ value: u[2] }] },
          { op: 'remove', path: `members[value eq "${u[2]}"]` },
        ],
        (u) => [u[0], u[1]],
      ],
    ];

    it.each(groupCases)('%s', async (_, operations, expected) => {
      const users = [await createUser(scim), await createUser(scim), await createUser(scim)];
      const ids = users.map((u) => u.id);
      const group = await createGroup(scim, { members: [{ value: ids[0] }, { value: ids[1] }] });
      const response = await scim.patch(`/Groups/${group.id}`, patchOps(...operations(ids)));
      expect(response.status).toBe(204);
      expect(memberIds((await scim.get(`/Groups/${group.id}`)).body)).toEqual(expected(ids).sort());
    });

    it.each([
      [
        'members[value eq x].display (member sub-attributes cannot be changed in place)',
        [{ op: 'replace', path: 'members[value eq "x"].display', value: 'y' }],
        'mutability',
      ],
      [
        'add with a filtered members path',
        [{ op: 'add', path: 'members[value eq "x"]', value: [{ value: 'y' }] }],
        'invalidPath',
      ],
      ['a member without value', [{ op: 'add', path: 'members', value: [{ display: 'x' }] }], 'invalidValue'],
      ['displayName removed (required)', [{ op: 'remove', path: 'displayName' }], 'invalidValue'],
      ['an unknown attribute', [{ op: 'add', path: 'owner', value: 'x' }], 'invalidPath'],
    ])('%s is 400 %s', async (_, operations, scimType) => {
      const group = await createGroup(scim);
      expectScimError(await scim.patch(`/Groups/${group.id}`, patchOps(...operations)), 400, scimType);
    });

    it('displayName and externalId change by PATCH', async () => {
      const group = await createGroup(scim, { schemas: [GROUP_SCHEMA] });
      const response = await scim.patch(
        `/Groups/${group.id}?attributes=displayName,externalId`,
        patchOps(
          { op: 'replace', path: 'displayName', value: `n-${group.id}` },
          { op: 'add', path: 'externalId', value: 'e-1' },
        ),
      );
      expectStatus(response, 200);
      expect([response.body.displayName, response.body.externalId]).toEqual([`n-${group.id}`, 'e-1']);
    });
  });
});
