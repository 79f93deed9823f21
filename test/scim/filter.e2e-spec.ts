import { ENTERPRISE, GROUP_SCHEMA, patchOps, USER_SCHEMA } from '../support/scim-client';
import { ScimClient } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import { createGroup, createUser, expectScimError, expectStatus, tenantClient } from './helpers';

type Name = 'alice' | 'bob' | 'carol';

describe('SCIM filters (RFC 7644 §3.4.2.2), compiled to SQL', () => {
  let ctx: TestApp;
  let scim: ScimClient;
  const ids = {} as Record<Name, string>;
  let groupId = '';
  let otherGroupId = '';
  const times = { before: '', afterCreate: '', aliceCreated: '', beforeBobUpdate: '' };

  beforeAll(async () => {
    ctx = await startTestApp();
    ({ scim } = await tenantClient(ctx));
    times.before = new Date(Date.now() - 1_000).toISOString();
    const bob = await createUser(scim, {
      userName: 'bob@example.com',
      externalId: 'ext-b',
      displayName: 'Bob Jones',
      title: 'Manager',
      active: false,
      name: { givenName: 'Bob', familyName: 'Jones' },
      emails: [{ value: 'bob@work.com', type: 'work' }],
      schemas: [USER_SCHEMA, ENTERPRISE],
      [ENTERPRISE]: { department: 'Sales', employeeNumber: '200' },
    });
    ids.bob = bob.id;
    const alice = await createUser(scim, {
      userName: 'Alice@Example.com',
      externalId: 'EXT-A',
      displayName: 'Alice Smith',
      title: 'Engineer',
      userType: 'Employee',
      name: { givenName: 'Alice', familyName: 'Smith' },
      emails: [
        { value: 'alice@work.com', type: 'work', primary: true },
        { value: 'alice@home.org', type: 'home' },
      ],
      schemas: [USER_SCHEMA, ENTERPRISE],
      [ENTERPRISE]: { department: 'R&D', employeeNumber: '100', manager: { value: bob.id } },
    });
    ids.alice = alice.id;
    times.aliceCreated = alice.meta.created;
    const carol = await createUser(scim, {
      userName: 'carol@other.org',
      name: undefined,
      emails: [{ value: 'carol@home.org', type: 'home' }],
      phoneNumbers: [{ value: '555-0100', type: 'mobile' }],
    });
    ids.carol = carol.id;
    groupId = (await createGroup(scim, { displayName: 'Admins', members: [{ value: alice.id }] })).id;
    otherGroupId = (
      await createGroup(scim, { displayName: 'Sales Team', externalId: 'G-2', members: [{ value: bob.id }] })
    ).id;
    times.afterCreate = new Date(Date.now() + 1).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    times.beforeBobUpdate = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expectStatus(
      await scim.patch(`/Users/${bob.id}`, patchOps({ op: 'replace', path: 'nickName', value: 'Bobby' })),
      200,
    );
  });
  afterAll(async () => {
    await ctx.close();
  });

  const namesOf = (resources: Array<{ id: string }>) =>
    resources
      .map(
        (resource) => (Object.keys(ids) as Name[]).find((name) => ids[name] === resource.id) ?? resource.id,
      )
      .sort();

  const cases: Array<[string, () => string, Name[]]> = [
    ['eq, case-insensitive value for userName', () => 'userName eq "alice@example.com"', ['alice']],
    ['attribute names in any case', () => 'USERNAME eq "ALICE@EXAMPLE.COM"', ['alice']],
    ['eq on caseExact externalId', () => 'externalId eq "EXT-A"', ['alice']],
    ['caseExact externalId does not fold case', () => 'externalId eq "ext-a"', []],
    ['ne', () => 'userName ne "bob@example.com"', ['alice', 'carol']],
    ['ne matches an absent attribute', () => 'title ne "Engineer"', ['bob', 'carol']],
    ['co', () => 'displayName co "smith"', ['alice']],
    ['sw', () => 'userName sw "B"', ['bob']],
    ['ew', () => 'userName ew ".ORG"', ['carol']],
    ['co with LIKE wildcards is literal', () => 'userName co "%"', []],
    ['co with _ is literal', () => 'userName co "_"', []],
    ['pr', () => 'title pr', ['alice', 'bob']],
    ['pr on externalId', () => 'externalId pr', ['alice', 'bob']],
    ['not (pr)', () => 'not (title pr)', ['carol']],
    ['gt on strings', () => 'userName gt "b"', ['bob', 'carol']],
    ['ge on strings', () => 'userName ge "bob@example.com"', ['bob', 'carol']],
    ['lt on strings', () => 'userName lt "b"', ['alice']],
    ['le on strings', () => 'title le "Engineer"', ['alice']],
    ['boolean eq false', () => 'active eq false', ['bob']],
    ['boolean eq true', () => 'active eq true', ['alice', 'carol']],
    ['and', () => 'title eq "Engineer" and active eq true', ['alice']],
    ['or', () => 'title eq "Manager" or userName sw "carol"', ['bob', 'carol']],
    [
      'and binds tighter than or',
      () => 'userName sw "carol" or title pr and active eq false',
      ['bob', 'carol'],
    ],
    ['parentheses', () => '(title eq "Engineer" or title eq "Manager") and not (active eq false)', ['alice']],
    ['not with or inside', () => 'not (userName sw "a" or userName sw "b")', ['carol']],
    ['value path with and', () => 'emails[type eq "work" and value co "@"]', ['alice', 'bob']],
    ['value path with ew', () => 'emails[type eq "home" and value ew ".org"]', ['alice', 'carol']],
    [
      'value path: both conditions on the same element',
      () => 'emails[type eq "work" and value ew ".org"]',
      [],
    ],
    ['value path with or', () => 'emails[value sw "carol" or value sw "bob"]', ['bob', 'carol']],
    ['value path with not', () => 'emails[not (type eq "work")]', ['alice', 'carol']],
    ['value path in an and', () => 'emails[type eq "work"] and active eq true', ['alice']],
    ['sub-attribute of a multi-valued attribute', () => 'emails.value eq "BOB@work.com"', ['bob']],
    ['a complex attribute means its value', () => 'emails eq "carol@home.org"', ['carol']],
    ['emails.type', () => 'emails.type eq "work"', ['alice', 'bob']],
    ['emails.primary', () => 'emails.primary eq true', ['alice']],
    ['sub-attribute of a singular complex attribute', () => 'name.familyName eq "smith"', ['alice']],
    ['sub-attribute sw', () => 'name.givenName sw "b"', ['bob']],
    ['pr on a multi-valued attribute', () => 'phoneNumbers pr', ['carol']],
    ['URN-qualified enterprise attribute', () => `${ENTERPRISE}:department eq "R&D"`, ['alice']],
    ['URN-qualified, any case', () => `${ENTERPRISE.toUpperCase()}:DEPARTMENT eq "r&d"`, ['alice']],
    ['URN-qualified gt', () => `${ENTERPRISE}:employeeNumber gt "150"`, ['bob']],
    ['URN-qualified sub-attribute', () => `${ENTERPRISE}:manager.value eq "${ids.bob}"`, ['alice']],
    ['URN-qualified pr', () => `${ENTERPRISE}:department pr`, ['alice', 'bob']],
    ['core URN-qualified', () => `${USER_SCHEMA}:userName eq "carol@other.org"`, ['carol']],
    ['meta.created gt', () => `meta.created gt "${times.before}"`, ['alice', 'bob', 'carol']],
    ['meta.created lt', () => `meta.created lt "${times.before}"`, []],
    [
      'meta.created ge and le one instant',
      () => `meta.created ge "${times.aliceCreated}" and meta.created le "${times.aliceCreated}"`,
      ['alice'],
    ],
    ['meta.created eq', () => `meta.created eq "${times.aliceCreated}"`, ['alice']],
    ['meta.lastModified gt', () => `meta.lastModified gt "${times.beforeBobUpdate}"`, ['bob']],
    ['meta.lastModified le', () => `meta.lastModified le "${times.afterCreate}"`, ['alice', 'carol']],
    ['id eq', () => `id eq "${ids.carol}"`, ['carol']],
    ['id eq something that is not a UUID', () => 'id eq "nope"', []],
    ['id ne', () => `id ne "${ids.carol}"`, ['alice', 'bob']],
    ['groups.display', () => 'groups.display eq "admins"', ['alice']],
    ['groups (value)', () => `groups eq "${groupId}"`, ['alice']],
    ['groups value path', () => `groups[display sw "Sales"]`, ['bob']],
    ['meta.resourceType', () => 'meta.resourceType eq "User"', ['alice', 'bob', 'carol']],
    ['quotes and backslashes in values', () => 'displayName eq "a\\"b\\\\c"', []],
    ['eq null means absent', () => 'externalId eq null', ['carol']],
  ];

  it.each(cases)('%s', async (_, filter, expected) => {
    const text = filter();
    const response = await scim.get(`/Users?filter=${encodeURIComponent(text)}`);
    expectStatus(response, 200);
    expect({ filter: text, names: namesOf(response.body.Resources ?? []) }).toEqual({
      filter: text,
      names: expected,
    });
    expect(response.body.totalResults).toBe(expected.length);
    // The same filter through POST /Users/.search gives the same answer.
    const searched = await scim.post('/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: text,
    });
    expectStatus(searched, 200);
    expect(namesOf(searched.body.Resources ?? [])).toEqual(expected);
  });

  it.each([
    ['displayName eq "Admins"', () => [groupId]],
    ['DISPLAYNAME eq "admins"', () => [groupId]],
    ['displayName sw "s"', () => [otherGroupId]],
    ['externalId eq "G-2"', () => [otherGroupId]],
    ['externalId eq "g-2"', () => []],
    ['members.value eq "$alice"', () => [groupId]],
    ['members eq "$bob"', () => [otherGroupId]],
    ['members[value eq "$alice"]', () => [groupId]],
    ['members[type eq "User"]', () => [groupId, otherGroupId]],
    ['members.display eq "Alice Smith"', () => [groupId]],
    ['members pr', () => [groupId, otherGroupId]],
    ['not (members pr)', () => []],
    ['displayName eq "Admins" or externalId pr', () => [groupId, otherGroupId]],
    ['meta.lastModified gt "2000-01-01T00:00:00Z"', () => [groupId, otherGroupId]],
  ] as Array<[string, () => string[]]>)('Groups: %s', async (template, expected) => {
    const text = template.replace('$alice', ids.alice).replace('$bob', ids.bob);
    const response = await scim.get(`/Groups?filter=${encodeURIComponent(text)}`);
    expectStatus(response, 200);
    expect(response.body.Resources.map((g: { id: string }) => g.id).sort()).toEqual(expected().sort());
  });

  it.each([
    'nickName2 eq "x"',
    'foo eq "x"',
    'userName eq',
    'userName xx "a"',
    'userName eq "a" and',
    '(userName eq "a"',
    'userName eq "a")',
    'emails[type eq "work"',
    'emails[type eq "work"]]',
    'emails[foo eq "x"]',
    'name.nope eq "x"',
    'urn:nope:thing eq "x"',
    `${ENTERPRISE}:nope eq "x"`,
    'userName eq "unterminated',
    'userName eq unquoted',
    'active gt true',
    'meta.created gt "not a date"',
    'not userName eq "a"',
    '"userName" eq "a"',
    'userName pr pr',
    'emails[type eq "work"][value eq "x"]',
    'emails[type eq "work" and emails[type eq "home"]]',
  ])('%s is 400 invalidFilter', async (text) => {
    expectScimError(await scim.get(`/Users?filter=${encodeURIComponent(text)}`), 400, 'invalidFilter');
    expectScimError(
      await scim.post('/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: text,
      }),
      400,
      'invalidFilter',
    );
  });

  it.each(['members.nope eq "x"', 'userName eq "x"', 'displayName eq'])(
    'Groups: %s is 400 invalidFilter',
    async (text) => {
      expectScimError(await scim.get(`/Groups?filter=${encodeURIComponent(text)}`), 400, 'invalidFilter');
    },
  );

  it('values reach SQL as parameters: injection text is just a value', async () => {
    for (const text of [
      `userName eq "x' OR '1'='1"`,
      `userName eq "x\\" or userName pr or userName eq \\"y"`,
      `displayName co "'; DROP TABLE scim_user; --"`,
      `${ENTERPRISE}:department eq "') OR true --"`,
    ]) {
      const response = await scim.get(`/Users?filter=${encodeURIComponent(text)}`);
      expectStatus(response, 200);
      expect({ text, total: response.body.totalResults }).toEqual({ text, total: 0 });
    }
    expect((await scim.get('/Users')).body.totalResults).toBe(3);
  });

  describe('/.search', () => {
    const search = (body: Record<string, unknown>) =>
      scim.post('/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], ...body });

    it('at the root returns users and groups of the tenant', async () => {
      const response = await search({});
      expectStatus(response, 200);
      expect(response.body.totalResults).toBe(5);
      const types = response.body.Resources.map(
        (r: { meta: { resourceType: string } }) => r.meta.resourceType,
      );
      expect(types.filter((t: string) => t === 'User')).toHaveLength(3);
      expect(types.filter((t: string) => t === 'Group')).toHaveLength(2);
    });

    it('at the root, a filter that only one type understands selects from that type', async () => {
      const users = await search({ filter: 'userName sw "a"' });
      expectStatus(users, 200);
      expect(namesOf(users.body.Resources)).toEqual(['alice']);
      const groups = await search({ filter: 'members pr' });
      expectStatus(groups, 200);
      expect(groups.body.Resources.map((r: { id: string }) => r.id).sort()).toEqual(
        [groupId, otherGroupId].sort(),
      );
      const both = await search({ filter: 'meta.resourceType eq "Group" or meta.resourceType eq "User"' });
      expect(both.body.totalResults).toBe(5);
    });

    it('at the root pages across both types and honours attributes', async () => {
      const first = await search({ startIndex: 1, count: 2, attributes: ['displayName'] });
      const second = await search({ startIndex: 3, count: 2, attributes: ['displayName'] });
      const third = await search({ startIndex: 5, count: 2, attributes: ['displayName'] });
      const all = [...first.body.Resources, ...second.body.Resources, ...third.body.Resources];
      expect(all.map((r: { id: string }) => r.id).sort()).toEqual(
        [ids.alice, ids.bob, ids.carol, groupId, otherGroupId].sort(),
      );
      for (const page of [first, second]) expect(page.body.itemsPerPage).toBe(2);
      expect(third.body.itemsPerPage).toBe(1);
      for (const resource of all) {
        expect(resource.userName).toBeUndefined();
        expect(resource.members).toBeUndefined();
      }
    });

    it('at the root, an attribute no type knows is 400 invalidFilter', async () => {
      expectScimError(await search({ filter: 'nope eq "x"' }), 400, 'invalidFilter');
    });

    it('per type: POST /Groups/.search with filter, attributes and paging', async () => {
      const response = await scim.post('/Groups/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'displayName eq "Admins"',
        excludedAttributes: ['members'],
      });
      expectStatus(response, 200);
      expect(response.body.Resources).toEqual([
        expect.objectContaining({ id: groupId, displayName: 'Admins' }),
      ]);
      expect(response.body.Resources[0].members).toBeUndefined();
    });

    it('a SearchRequest without its schema is 400', async () => {
      expectScimError(await scim.post('/Users/.search', { filter: 'userName pr' }), 400);
      expectScimError(await scim.post('/.search', { schemas: [GROUP_SCHEMA] }), 400);
    });
  });
});
