import { ENTERPRISE, GROUP_SCHEMA, newUser, patchOps, USER_SCHEMA } from '../support/scim-client';
import { ScimClient } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import { createGroup, createUser, expectScimError, expectStatus, tenantClient, WEAK_ETAG } from './helpers';

const body = () =>
  newUser({
    schemas: [USER_SCHEMA, ENTERPRISE],
    displayName: 'Babs',
    title: 'Guide',
    password: 'Secret-123',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    [ENTERPRISE]: { department: 'Ops', costCenter: '42' },
  });

/** The attribute names a response carries (core, plus `ext:` for the enterprise ones). */
const keysOf = (resource: Record<string, any>) =>
  [
    ...Object.keys(resource).filter((key) => key !== ENTERPRISE),
    ...Object.keys(resource[ENTERPRISE] ?? {}).map((key) => `ext:${key}`),
  ].sort();

describe('SCIM attributes / excludedAttributes and ETags', () => {
  let ctx: TestApp;
  let scim: ScimClient;
  beforeAll(async () => {
    ctx = await startTestApp();
    ({ scim } = await tenantClient(ctx));
  });
  afterAll(async () => {
    await ctx.close();
  });

  describe('projection on every read and write response', () => {
    const projections: Array<[string, string[]]> = [
      ['attributes=userName', ['id', 'meta', 'schemas', 'userName']],
      ['attributes=USERNAME,name.givenName', ['id', 'meta', 'name', 'schemas', 'userName']],
      [`attributes=${ENTERPRISE}:department`, ['ext:department', 'id', 'meta', 'schemas']],
      ['attributes=id', ['id', 'meta', 'schemas']],
      ['attributes=password', ['id', 'meta', 'schemas']],
      [
        'excludedAttributes=emails,name,title',
        ['active', 'displayName', 'ext:costCenter', 'ext:department', 'id', 'meta', 'schemas', 'userName'],
      ],
      [
        `excludedAttributes=${ENTERPRISE}:costCenter,id,meta`,
        [
          'active',
          'displayName',
          'emails',
          'ext:department',
          'id',
          'meta',
          'name',
          'schemas',
          'title',
          'userName',
        ],
      ],
    ];

    it.each(projections)('%s on POST, GET, list, .search, PUT and PATCH', async (query, expected) => {
      const check = (resource: Record<string, any>, where: string) => {
        expect({ where, keys: keysOf(resource) }).toEqual({ where, keys: expected });
        expect(resource.password).toBeUndefined();
      };
      const created = await scim.post(`/Users?${query}`, body());
      expectStatus(created, 201);
      check(created.body, 'POST');
      expect(created.headers.location).toBeDefined();
      expect(created.headers.etag).toMatch(WEAK_ETAG);
      const id = created.body.id;
      check((await scim.get(`/Users/${id}?${query}`)).body, 'GET');
      const list = await scim.get(`/Users?${query}&filter=${encodeURIComponent(`id eq "${id}"`)}`);
      check(list.body.Resources[0], 'list');
      const [name, value] = query.split('=');
      const searched = await scim.post('/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: `id eq "${id}"`,
        [name]: value.split(','),
      });
      check(searched.body.Resources[0], '.search');
      const put = await scim.put(`/Users/${id}?${query}`, {
        ...body(),
        userName: created.body.userName ?? undefined,
      });
      if (put.status === 400) {
        // userName was projected away from the POST answer: send the stored one.
        const stored = (await scim.get(`/Users/${id}`)).body.userName;
        const retried = await scim.put(`/Users/${id}?${query}`, { ...body(), userName: stored });
        expectStatus(retried, 200);
        check(retried.body, 'PUT');
      } else {
        expectStatus(put, 200);
        check(put.body, 'PUT');
      }
      const patched = await scim.patch(
        `/Users/${id}?${query}`,
        patchOps({ op: 'replace', path: 'title', value: 'Patched' }),
      );
      expectStatus(patched, 200);
      check(patched.body, 'PATCH');
    });

    it('returned: never (password) stays hidden even when asked for; always (id) cannot be excluded', async () => {
      const created = await scim.post('/Users?attributes=password,userName', body());
      expect(created.body.password).toBeUndefined();
      expect(created.body.id).toBeDefined();
      const excluded = await scim.get(`/Users/${created.body.id}?excludedAttributes=id,userName`);
      expect(excluded.body.id).toBe(created.body.id);
      expect(excluded.body.userName).toBeUndefined();
    });

    it('groups projection: members, displayName, and groups POST/PUT answers', async () => {
      const user = await createUser(scim);
      const created = await scim.post('/Groups?excludedAttributes=members', {
        schemas: [GROUP_SCHEMA],
        displayName: `proj-${Date.now()}`,
        members: [{ value: user.id }],
      });
      expectStatus(created, 201);
      expect(created.body.members).toBeUndefined();
      expect(created.body.displayName).toBeDefined();
      const id = created.body.id;
      const onlyMembers = await scim.get(`/Groups/${id}?attributes=members.value`);
      expect(onlyMembers.body.members).toEqual([{ value: user.id }]);
      expect(onlyMembers.body.displayName).toBeUndefined();
      const put = await scim.put(`/Groups/${id}?attributes=displayName`, {
        schemas: [GROUP_SCHEMA],
        displayName: created.body.displayName,
        members: [{ value: user.id }],
      });
      expectStatus(put, 200);
      expect(Object.keys(put.body).sort()).toEqual(['displayName', 'id', 'meta', 'schemas']);
      const list = await scim.get(
        `/Groups?attributes=displayName&filter=${encodeURIComponent(`id eq "${id}"`)}`,
      );
      expect(Object.keys(list.body.Resources[0]).sort()).toEqual(['displayName', 'id', 'meta', 'schemas']);
    });

    it('the user groups attribute can be projected away or selected', async () => {
      const user = await createUser(scim);
      await createGroup(scim, { members: [{ value: user.id }] });
      expect((await scim.get(`/Users/${user.id}?excludedAttributes=groups`)).body.groups).toBeUndefined();
      const only = await scim.get(`/Users/${user.id}?attributes=groups.display`);
      expect(only.body.groups).toEqual([{ display: expect.any(String) }]);
      expect(only.body.userName).toBeUndefined();
    });
  });

  describe('ETags', () => {
    it.each(['Users', 'Groups'])(
      '%s: meta.version is a weak ETag sent on reads and writes, and moves on change',
      async (type) => {
        const resource = type === 'Users' ? await createUser(scim) : await createGroup(scim);
        const path = `/${type}/${resource.id}`;
        const read = await scim.get(path);
        expect(read.headers.etag).toMatch(WEAK_ETAG);
        expect(read.headers.etag).toBe(read.body.meta.version);
        expect(read.headers.etag).toBe(resource.meta.version);
        const change =
          type === 'Users'
            ? patchOps({ op: 'replace', path: 'title', value: `t${Date.now()}` })
            : patchOps({ op: 'replace', path: 'externalId', value: `e${Date.now()}` });
        const patched = await scim.patch(`${path}?attributes=id`, change);
        expectStatus(patched, 200);
        expect(patched.headers.etag).toMatch(WEAK_ETAG);
        expect(patched.headers.etag).not.toBe(read.headers.etag);
        expect((await scim.get(path)).headers.etag).toBe(patched.headers.etag);
        const list = await scim.get(`/${type}?filter=${encodeURIComponent(`id eq "${resource.id}"`)}`);
        expect(list.body.Resources[0].meta.version).toBe(patched.headers.etag);
      },
    );

    it.each(['Users', 'Groups'])(
      '%s: If-None-Match with the current ETag gets 304; a stale one gets 200',
      async (type) => {
        const resource = type === 'Users' ? await createUser(scim) : await createGroup(scim);
        const path = `/${type}/${resource.id}`;
        const etag = resource.meta.version;
        const notModified = await scim.get(path, { 'if-none-match': etag });
        expect(notModified.status).toBe(304);
        expect(notModified.text ?? '').toBe('');
        expect(notModified.headers.etag).toBe(etag);
        expect((await scim.get(path, { 'if-none-match': `${etag}, W/"999"` })).status).toBe(304);
        expect((await scim.get(path, { 'if-none-match': '*' })).status).toBe(304);
        const stale = await scim.get(path, { 'if-none-match': 'W/"999"' });
        expectStatus(stale, 200);
        expect(stale.body.id).toBe(resource.id);
      },
    );

    it.each(['Users', 'Groups'])(
      '%s: a stale If-Match gets 412 on PUT, PATCH and DELETE, and changes nothing',
      async (type) => {
        const resource = type === 'Users' ? await createUser(scim) : await createGroup(scim);
        const path = `/${type}/${resource.id}`;
        const current = resource.meta.version as string;
        const stale = 'W/"999"';
        const replacement =
          type === 'Users'
            ? newUser({ userName: resource.userName, title: 'PUT' })
            : { schemas: [GROUP_SCHEMA], displayName: resource.displayName, externalId: 'PUT' };
        const change = patchOps({ op: 'replace', path: 'externalId', value: 'PATCH' });

        expectScimError(await scim.put(path, replacement, { 'if-match': stale }), 412);
        expectScimError(await scim.patch(path, change, { 'if-match': stale }), 412);
        expectScimError(await scim.delete(path, { 'if-match': stale }), 412);
        const unchanged = await scim.get(path);
        expect(unchanged.headers.etag).toBe(current);
        expect(unchanged.body.externalId).toBe(resource.externalId);

        const put = await scim.put(path, replacement, { 'if-match': current });
        expectStatus(put, 200);
        const next = put.headers.etag;
        expect(next).not.toBe(current);
        expectScimError(await scim.patch(path, change, { 'if-match': current }), 412);
        const patched = await scim.patch(path, change, { 'if-match': next });
        expect([200, 204]).toContain(patched.status);
        expect(
          (
            await scim.patch(path, patchOps({ op: 'replace', path: 'externalId', value: 'star' }), {
              'if-match': '*',
            })
          ).status,
        ).toBeLessThan(300);
        expectScimError(await scim.delete(path, { 'if-match': next }), 412);
        const latest = (await scim.get(path)).headers.etag;
        expect((await scim.delete(path, { 'if-match': latest })).status).toBe(204);
      },
    );

    it('a bulk operation with a stale version gets 412 in its own status', async () => {
      const user = await createUser(scim);
      const response = await scim.post('/Bulk', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          {
            method: 'PATCH',
            path: `/Users/${user.id}`,
            version: 'W/"999"',
            data: patchOps({ op: 'replace', path: 'title', value: 'x' }),
          },
        ],
      });
      expectStatus(response, 200);
      expect(response.body.Operations[0].status).toBe('412');
    });
  });
});
