import { ENTERPRISE, GROUP_SCHEMA, newUser, PATCH_OP, patchOps, USER_SCHEMA } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import { auditEvents, createGroup, createUser, expectScimError, expectStatus, tenantClient } from './helpers';

/** Rows a tenant owns, to prove a refused request wrote nothing. */
async function footprint(ctx: TestApp, tenantId: string) {
  const [row] = await ctx.db.query(
    `SELECT (SELECT count(*) FROM scim_user WHERE tenant_id = $1)::int AS users,
            (SELECT count(*) FROM scim_group WHERE tenant_id = $1)::int AS groups,
            (SELECT count(*) FROM scim_group_member WHERE tenant_id = $1)::int AS members,
            (SELECT coalesce(sum(version), 0) FROM scim_user WHERE tenant_id = $1)::int AS user_versions,
            (SELECT coalesce(sum(version), 0) FROM scim_group WHERE tenant_id = $1)::int AS group_versions,
            (SELECT count(*) FROM outbox_message WHERE tenant_id = $1)::int AS jobs`,
    [tenantId],
  );
  return { ...row, events: (await auditEvents(ctx, tenantId)).length };
}

describe('SCIM bad input: a 4xx, never a 500, never a partial write', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp({ env: { SCIM_MAX_PAYLOAD_BYTES: '65536' } });
  });
  afterAll(async () => {
    await ctx.close();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['POST', '/Users'],
    ['PUT', '/Users/:user'],
    ['PATCH', '/Users/:user'],
    ['POST', '/Groups'],
    ['PUT', '/Groups/:group'],
    ['PATCH', '/Groups/:group'],
    ['POST', '/Bulk'],
    ['POST', '/.search'],
    ['POST', '/Users/.search'],
  ])('malformed JSON to %s %s is 400 invalidSyntax', async (method, template) => {
    const { scim, tenantId } = await tenantClient(ctx);
    const user = await createUser(scim);
    const group = await createGroup(scim);
    const path = template.replace(':user', user.id).replace(':group', group.id);
    const before = await footprint(ctx, tenantId);
    for (const body of ['{"schemas": [', '{userName: bjensen}', "{'a':1}"]) {
      const send = method === 'POST' ? scim.post : method === 'PUT' ? scim.put : scim.patch;
      expectScimError(await send(path, body), 400, 'invalidSyntax');
    }
    expect(await footprint(ctx, tenantId)).toEqual(before);
  });

  it('an empty body is 400 invalidSyntax', async () => {
    const { scim } = await tenantClient(ctx);
    expectScimError(await scim.post('/Users', ''), 400, 'invalidSyntax');
  });

  it('application/json is accepted as well as application/scim+json', async () => {
    const { scim } = await tenantClient(ctx);
    const response = await scim.post('/Users', newUser(), { 'content-type': 'application/json' });
    expectStatus(response, 201);
  });

  it('tolerated on purpose: a number for a string attribute is stored as its text, an unknown extra schema URN is dropped', async () => {
    const { scim } = await tenantClient(ctx);
    const created = await scim.post('/Users', {
      schemas: [USER_SCHEMA, ENTERPRISE, 'urn:example:custom:1.0'],
      userName: `n${Date.now()}`,
      [ENTERPRISE]: { employeeNumber: 701984 },
    });
    expectStatus(created, 201);
    expect(created.body[ENTERPRISE].employeeNumber).toBe('701984');
    expect(created.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
  });

  it('a body over maxPayloadSize is 413, on every write endpoint', async () => {
    const { scim, tenantId } = await tenantClient(ctx);
    const user = await createUser(scim);
    const before = await footprint(ctx, tenantId);
    const huge = newUser({ nickName: 'x'.repeat(70_000) });
    expectScimError(await scim.post('/Users', huge), 413);
    expectScimError(await scim.put(`/Users/${user.id}`, huge), 413);
    expectScimError(await scim.post('/Bulk', { schemas: [], Operations: [], pad: 'x'.repeat(70_000) }), 413);
    expectScimError(await scim.post('/Users', huge, { 'content-type': 'application/json' }), 413);
    expect(await footprint(ctx, tenantId)).toEqual(before);
  });

  describe('resource bodies', () => {
    const cases: Array<[string, Record<string, unknown>, string | undefined]> = [
      ['no schemas', { userName: 'a@example.com' }, undefined],
      ['schemas not an array', { schemas: USER_SCHEMA, userName: 'a@example.com' }, undefined],
      ['the Group schema', { schemas: [GROUP_SCHEMA], userName: 'a@example.com' }, undefined],
      ['no userName', { schemas: [USER_SCHEMA], displayName: 'x' }, 'invalidValue'],
      ['an empty userName', { schemas: [USER_SCHEMA], userName: '' }, 'invalidValue'],
      ['userName true', { schemas: [USER_SCHEMA], userName: true }, 'invalidValue'],
      ['userName an object', { schemas: [USER_SCHEMA], userName: { a: 1 } }, 'invalidValue'],
      ['active 1', newUser({ active: 1 }), 'invalidValue'],
      ['title two values', newUser({ title: ['a', 'b'] }), 'invalidValue'],
      ['active "banana"', newUser({ active: 'banana' }), 'invalidValue'],
      ['emails "x"', newUser({ emails: 'x' }), 'invalidValue'],
      ['emails [42]', newUser({ emails: [42] }), 'invalidValue'],
      ['name a string', newUser({ name: 'Barbara' }), 'invalidValue'],
      ['displayName an object', newUser({ displayName: { a: 1 } }), 'invalidValue'],
      [
        'emails[].primary "maybe"',
        newUser({ emails: [{ value: 'a@b.c', primary: 'maybe' }] }),
        'invalidValue',
      ],
      [
        'enterprise data a string',
        newUser({ schemas: [USER_SCHEMA, ENTERPRISE], [ENTERPRISE]: 'x' }),
        'invalidValue',
      ],
      [
        'manager a number',
        newUser({ schemas: [USER_SCHEMA, ENTERPRISE], [ENTERPRISE]: { manager: 7 } }),
        'invalidValue',
      ],
    ];

    it.each(cases)('POST /Users with %s is 400, and nothing is written', async (_, body, scimType) => {
      const { scim, tenantId } = await tenantClient(ctx);
      const before = await footprint(ctx, tenantId);
      expectScimError(await scim.post('/Users', body), 400, scimType);
      expect(await footprint(ctx, tenantId)).toEqual(before);
    });

    it.each(cases)('PUT /Users/{id} with %s is 400, and nothing changes', async (_, body, scimType) => {
      const { scim, tenantId } = await tenantClient(ctx);
      const user = await createUser(scim);
      const before = await footprint(ctx, tenantId);
      expectScimError(await scim.put(`/Users/${user.id}`, body), 400, scimType);
      expect(await footprint(ctx, tenantId)).toEqual(before);
      expect((await scim.get(`/Users/${user.id}`)).body).toEqual(
        expect.objectContaining({ userName: user.userName, meta: user.meta }),
      );
    });

    it.each([
      ['no schemas', { displayName: 'x' }],
      ['the User schema', { schemas: [USER_SCHEMA], displayName: 'x' }],
      ['displayName true', { schemas: [GROUP_SCHEMA], displayName: true }],
      ['members a number', { schemas: [GROUP_SCHEMA], displayName: 'x', members: 42 }],
      ['a member value a number', { schemas: [GROUP_SCHEMA], displayName: 'x', members: [{ value: 42 }] }],
      ['a member without value', { schemas: [GROUP_SCHEMA], displayName: 'x', members: [{ display: 'a' }] }],
      [
        'a member of type Printer',
        { schemas: [GROUP_SCHEMA], displayName: 'x', members: [{ value: 'a', type: 'Printer' }] },
      ],
    ])('POST /Groups with %s is 400, and nothing is written', async (_, body) => {
      const { scim, tenantId } = await tenantClient(ctx);
      const before = await footprint(ctx, tenantId);
      expectScimError(await scim.post('/Groups', body), 400);
      expect(await footprint(ctx, tenantId)).toEqual(before);
    });
  });

  describe('text PostgreSQL cannot store or index is a 400, not a 500', () => {
    const NUL = 'a\u0000b';
    const raw = (userName: string) => `{"schemas":["${USER_SCHEMA}"],"userName":"${userName}"}`;

    it.each([
      ['userName with U+0000', () => newUser({ userName: NUL })],
      ['title with U+0000', () => newUser({ title: NUL })],
      ['an email with U+0000', () => newUser({ emails: [{ value: NUL }] })],
      [
        'an enterprise attribute with U+0000',
        () => newUser({ schemas: [USER_SCHEMA, ENTERPRISE], [ENTERPRISE]: { department: NUL } }),
      ],
      ['userName with a lone high surrogate', () => raw('x\\ud800y')],
      ['userName with a lone low surrogate', () => raw('x\\udc00y')],
      ['userName longer than 512 characters', () => newUser({ userName: 'u'.repeat(513) })],
      ['externalId longer than 512 characters', () => newUser({ externalId: 'e'.repeat(600) })],
      [
        'an email longer than 512 characters',
        () => newUser({ emails: [{ value: `${'m'.repeat(600)}@x.y` }] }),
      ],
    ])('POST /Users with %s is 400 invalidValue; PUT and PATCH too', async (_, body) => {
      const { scim, tenantId } = await tenantClient(ctx);
      const user = await createUser(scim);
      const before = await footprint(ctx, tenantId);
      expectScimError(await scim.post('/Users', body()), 400, 'invalidValue');
      const replacement = body();
      const put =
        typeof replacement === 'string'
          ? await scim.put(`/Users/${user.id}`, replacement)
          : await scim.put(`/Users/${user.id}`, {
              ...replacement,
              userName: replacement.userName ?? user.userName,
            });
      expectScimError(put, 400, 'invalidValue');
      expect(await footprint(ctx, tenantId)).toEqual(before);
    });

    it('a paired surrogate (an emoji) and 512 characters of userName are fine', async () => {
      const { scim } = await tenantClient(ctx);
      const emoji = await scim.post('/Users', raw('smile-\\ud83d\\ude00'));
      expectStatus(emoji, 201);
      expect(emoji.body.userName).toBe('smile-😀');
      await createUser(scim, { userName: `${'😀'.repeat(500)}${'u'.repeat(12)}` });
    });

    it('PATCH values, group names and member values with U+0000 are 400', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const user = await createUser(scim);
      const group = await createGroup(scim);
      const before = await footprint(ctx, tenantId);
      expectScimError(
        await scim.patch(`/Users/${user.id}`, patchOps({ op: 'replace', path: 'title', value: NUL })),
        400,
        'invalidValue',
      );
      expectScimError(
        await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: NUL }),
        400,
        'invalidValue',
      );
      expectScimError(
        await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'g'.repeat(513) }),
        400,
        'invalidValue',
      );
      expectScimError(
        await scim.patch(
          `/Groups/${group.id}`,
          patchOps({ op: 'add', path: 'members', value: [{ value: NUL }] }),
        ),
        400,
        'invalidValue',
      );
      expectScimError(
        await scim.patch(`/Groups/${group.id}`, patchOps({ op: 'replace', path: 'externalId', value: NUL })),
        400,
        'invalidValue',
      );
      expect(await footprint(ctx, tenantId)).toEqual(before);
    });

    it('a filter value with U+0000 is 400 invalidFilter', async () => {
      const { scim } = await tenantClient(ctx);
      for (const [type, filter] of [
        ['Users', `userName eq "${NUL}"`],
        ['Users', `emails[value eq "${NUL}"]`],
        ['Groups', `externalId eq "${NUL}"`],
        ['Groups', `members.display co "${NUL}"`],
      ]) {
        expectScimError(
          await scim.get(`/${type}?filter=${encodeURIComponent(filter)}`),
          400,
          'invalidFilter',
        );
      }
    });

    it('a forged cursor carrying U+0000 is 400 invalidCursor', async () => {
      const { scim } = await tenantClient(ctx);
      await createUser(scim);
      await createUser(scim);
      const first = await scim.get('/Users?sortBy=userName&count=1&cursor=');
      const payload = JSON.parse(Buffer.from(first.body.nextCursor as string, 'base64url').toString('utf8'));
      const forged = Buffer.from(JSON.stringify({ ...payload, v: NUL }), 'utf8').toString('base64url');
      expectScimError(
        await scim.get(`/Users?sortBy=userName&count=1&cursor=${forged}`),
        400,
        'invalidCursor',
      );
    });

    it('dates beyond what PostgreSQL holds compare as its infinities', async () => {
      const { scim } = await tenantClient(ctx);
      await createUser(scim);
      const query = (filter: string) => scim.get(`/Users?filter=${encodeURIComponent(filter)}`);
      const past = await query('meta.created gt "-271821-04-20T00:00:00Z"');
      expectStatus(past, 200);
      expect(past.body.totalResults).toBe(1);
      const before = await query('meta.lastModified lt "-000500-01-01T00:00:00Z"');
      expectStatus(before, 200);
      expect(before.body.totalResults).toBe(0);
      const future = await query('meta.created lt "+275760-09-13T00:00:00Z"');
      expectStatus(future, 200);
      expect(future.body.totalResults).toBe(1);
    });
  });

  describe('PATCH requests', () => {
    it.each([
      ['no schemas', { Operations: [{ op: 'add', path: 'title', value: 'x' }] }],
      [
        'the wrong schema',
        { schemas: [USER_SCHEMA], Operations: [{ op: 'add', path: 'title', value: 'x' }] },
      ],
      ['no Operations', { schemas: [PATCH_OP] }],
      ['Operations an object', { schemas: [PATCH_OP], Operations: { op: 'add' } }],
      ['op "merge"', patchOps({ op: 'merge', path: 'title', value: 'x' })],
      ['an op without op', patchOps({ path: 'title', value: 'x' })],
      ['a body that is an array', [{ op: 'add' }]],
      ['a body that is null', null],
      ['a body that is a string', '"hello"'],
    ])('%s is 400, and nothing changes', async (_, body) => {
      const { scim, tenantId } = await tenantClient(ctx);
      const user = await createUser(scim);
      const before = await footprint(ctx, tenantId);
      expectScimError(await scim.patch(`/Users/${user.id}`, body), 400);
      expect(await footprint(ctx, tenantId)).toEqual(before);
    });

    // RFC 7644 §3.5.2 asks for "one or more" operations, but Entra sends an empty array and one
    // rejected request can stop a customer's provisioning: Roster answers it as a no-op on purpose.
    it('an empty Operations array is a no-op, not an error (Entra sends it)', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const user = await createUser(scim);
      const before = await footprint(ctx, tenantId);
      const response = await scim.patch(`/Users/${user.id}`, { schemas: [PATCH_OP], Operations: [] });
      expect(response.status).toBe(200);
      expect(await footprint(ctx, tenantId)).toEqual(before);
    });

    it.each([
      '__proto__',
      '__proto__.polluted',
      'constructor',
      'constructor.prototype.polluted',
      'prototype',
      'name.__proto__',
      'emails[type eq "work"].__proto__',
      `${ENTERPRISE}:__proto__`,
      'name.constructor',
    ])('PATCH path %s is rejected and pollutes nothing', async (path) => {
      const { scim, tenantId } = await tenantClient(ctx);
      const user = await createUser(scim);
      const group = await createGroup(scim);
      const before = await footprint(ctx, tenantId);
      for (const op of ['add', 'replace', 'remove']) {
        const operation = { op, path, value: { polluted: 'yes' } };
        const response = await scim.patch(`/Users/${user.id}`, patchOps(operation));
        expectScimError(response, 400);
        expect(['invalidPath', 'noTarget', 'invalidValue', 'mutability']).toContain(response.body.scimType);
        expectScimError(await scim.patch(`/Groups/${group.id}`, patchOps(operation)), 400);
      }
      expect(await footprint(ctx, tenantId)).toEqual(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    });

    it('a no-path value with __proto__ or constructor keys pollutes nothing and stores nothing odd', async () => {
      const { scim } = await tenantClient(ctx);
      const user = await createUser(scim);
      const body = `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","value":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}}]}`;
      const response = await scim.patch(`/Users/${user.id}`, body);
      expect(response.status).toBeLessThan(500);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const read = await scim.get(`/Users/${user.id}`);
      expect(JSON.stringify(read.body)).not.toContain('polluted');
    });
  });

  describe('query parameters', () => {
    it.each([
      '/Users?startIndex=abc',
      '/Users?count=-5',
      '/Users?count=abc',
      '/Users?startIndex=0',
      '/Users?sortOrder=sideways',
      '/Users?sortBy=nickName&sortOrder=ascending',
      '/Users?sortBy=__proto__',
      '/Users?cursor=garbage',
      '/Users?cursor=%00%01',
      '/Users?filter=',
      '/Users?filter=%00',
      '/Users?attributes=__proto__',
      '/Users?excludedAttributes=constructor.prototype',
      '/Users?filter=userName%20eq%20%22a%22&filter=userName%20eq%20%22b%22',
      `/Users?filter=${encodeURIComponent('('.repeat(200) + 'userName eq "a"' + ')'.repeat(200))}`,
      `/Users?filter=${encodeURIComponent('userName eq "' + 'a'.repeat(10_000) + '"')}`,
      `/Groups?filter=${encodeURIComponent('members[value eq "x"')}`,
      '/Groups?filter=members.value%20gt%205',
      '/Users?filter=meta.created%20gt%20%22yesterday%22',
      '/Users?filter=active%20eq%20%22banana%22',
      '/Users?filter=active%20gt%20true',
      '/Users/not-a-uuid?attributes=userName',
    ])('GET %s answers 2xx or a SCIM 4xx, never a 500', async (path) => {
      const { scim } = await tenantClient(ctx);
      await createUser(scim);
      const response = await scim.get(path);
      expect(response.status).toBeLessThan(500);
      if (response.status >= 400) expectScimError(response, response.status);
    });

    it.each(['emails', 'name', 'groups', 'members', 'nope', 'urn:nope:x'])(
      'sortBy=%s (multi-valued, complex or unknown) is 400 invalidValue',
      async (sortBy) => {
        const { scim } = await tenantClient(ctx);
        expectScimError(await scim.get(`/Users?sortBy=${encodeURIComponent(sortBy)}`), 400);
      },
    );
  });

  describe('bodies of every shape to every write never give a 500', () => {
    const shapes: unknown[] = [
      null,
      0,
      'x',
      [],
      [1],
      true,
      {},
      { schemas: null },
      { schemas: [null] },
      { Operations: null },
    ];
    it.each(['/Users', '/Groups', '/Bulk', '/.search', '/Users/.search', '/Groups/.search'])(
      'POST %s',
      async (path) => {
        const { scim } = await tenantClient(ctx);
        for (const shape of shapes) {
          const response = await scim.post(path, JSON.stringify(shape));
          expect({ shape, status: response.status }).toEqual({ shape, status: expect.any(Number) });
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expectScimError(response, response.status);
        }
      },
    );
  });
});
