import { ENTERPRISE, GROUP_SCHEMA, newUser, patchOps, USER_SCHEMA } from '../support/scim-client';
import { ScimClient } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import { createGroup, createUser, expectScimError, expectStatus, memberIds, tenantClient } from './helpers';

describe('SCIM tenant isolation: a key of tenant A never reaches tenant B', () => {
  let ctx: TestApp;
  let a: ScimClient;
  let b: ScimClient;
  let tenantB: string;
  let bUser: Record<string, any> & { id: string; userName: string };
  let bGroup: Record<string, any> & { id: string; displayName: string };

  /** Tenant B's rows, to prove A's requests changed none of them. */
  const snapshotB = async () =>
    ctx.db.query(
      `SELECT 'u' AS kind, id::text, version, data::text AS body FROM scim_user WHERE tenant_id = $1
       UNION ALL SELECT 'g', id::text, version, display_name FROM scim_group WHERE tenant_id = $1
       UNION ALL SELECT 'm', group_id::text || member_id::text, 0, member_type FROM scim_group_member WHERE tenant_id = $1
       ORDER BY 1, 2`,
      [tenantB],
    );

  beforeAll(async () => {
    ctx = await startTestApp();
    ({ scim: a } = await tenantClient(ctx));
    ({ scim: b, tenantId: tenantB } = await tenantClient(ctx));
    bUser = await createUser(b, { externalId: 'b-ext', displayName: 'B User' });
    bGroup = await createGroup(b, { displayName: 'B Group', members: [{ value: bUser.id }] });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('cannot read B resources by id (404, not 403: their existence is not disclosed)', async () => {
    expectScimError(await a.get(`/Users/${bUser.id}`), 404);
    expectScimError(await a.get(`/Groups/${bGroup.id}`), 404);
    expectScimError(await a.get(`/Users/${bUser.id}`, { 'if-none-match': bUser.meta.version }), 404);
  });

  it.each([
    ['Users', () => `id eq "${bUser.id}"`],
    ['Users', () => `userName eq "${bUser.userName}"`],
    ['Users', () => 'externalId eq "b-ext"'],
    ['Users', () => 'displayName eq "B User"'],
    ['Users', () => `groups eq "${bGroup.id}"`],
    ['Users', () => 'groups.display eq "B Group"'],
    ['Users', () => 'userName pr'],
    ['Groups', () => `id eq "${bGroup.id}"`],
    ['Groups', () => 'displayName eq "B Group"'],
    ['Groups', () => `members.value eq "${bUser.id}"`],
    ['Groups', () => 'members pr'],
  ] as Array<[string, () => string]>)('cannot find B resources by filter: /%s', async (type, filter) => {
    const response = await a.get(`/${type}?filter=${encodeURIComponent(filter())}`);
    expectStatus(response, 200);
    expect(response.body.totalResults).toBe(0);
    const searched = await a.post(`/${type}/.search`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: filter(),
    });
    expect(searched.body.totalResults).toBe(0);
  });

  it('lists, root /.search and cursors never include B', async () => {
    expect((await a.get('/Users')).body.totalResults).toBe(0);
    expect((await a.get('/Groups')).body.totalResults).toBe(0);
    const root = await a.post('/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
    });
    expect(root.body.totalResults).toBe(0);
    // A cursor minted for B's listing gives A nothing of B's either.
    await createUser(b);
    const bPage = await b.get('/Users?count=1&cursor=');
    const cursor = bPage.body.nextCursor as string;
    expect(typeof cursor).toBe('string');
    const reused = await a.get(`/Users?count=1&cursor=${encodeURIComponent(cursor)}`);
    expect(reused.status).toBeLessThan(500);
    expect(reused.body.Resources ?? []).toEqual([]);
  });

  it('cannot PUT, PATCH or DELETE B resources', async () => {
    const before = await snapshotB();
    expectScimError(await a.put(`/Users/${bUser.id}`, newUser({ userName: bUser.userName })), 404);
    expectScimError(
      await a.patch(`/Users/${bUser.id}`, patchOps({ op: 'replace', path: 'active', value: false })),
      404,
    );
    expectScimError(await a.delete(`/Users/${bUser.id}`), 404);
    expectScimError(
      await a.put(`/Groups/${bGroup.id}`, { schemas: [GROUP_SCHEMA], displayName: 'hijack' }),
      404,
    );
    expectScimError(await a.patch(`/Groups/${bGroup.id}`, patchOps({ op: 'remove', path: 'members' })), 404);
    expectScimError(await a.delete(`/Groups/${bGroup.id}`), 404);
    expect(await snapshotB()).toEqual(before);
  });

  it('cannot add B users or groups as members of an A group, by POST, PUT or PATCH', async () => {
    const before = await snapshotB();
    const aUser = await createUser(a);
    const created = await a.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'A Group',
      members: [{ value: bUser.id }, { value: bGroup.id, type: 'Group' }, { value: aUser.id }],
    });
    expectStatus(created, 201);
    expect(memberIds(created.body)).toEqual([aUser.id]);
    const id = created.body.id;
    await a.patch(
      `/Groups/${id}`,
      patchOps({ op: 'add', path: 'members', value: [{ value: bUser.id }, { value: bGroup.id }] }),
    );
    await a.put(`/Groups/${id}`, {
      schemas: [GROUP_SCHEMA],
      displayName: 'A Group',
      members: [{ value: bUser.id }],
    });
    await a.patch(
      `/Groups/${id}`,
      patchOps({ op: 'replace', path: 'members', value: [{ value: bUser.id }] }),
    );
    const [{ n }] = await ctx.db.query(
      `SELECT count(*)::int AS n FROM scim_group_member WHERE member_id = ANY($1::uuid[]) AND tenant_id <> $2`,
      [[bUser.id, bGroup.id], tenantB],
    );
    expect(n).toBe(0);
    expect(memberIds((await a.get(`/Groups/${id}`)).body)).toEqual([]);
    expect(await snapshotB()).toEqual(before);
    // B still sees its own membership unchanged.
    expect(memberIds((await b.get(`/Groups/${bGroup.id}`)).body)).toEqual([bUser.id]);
  });

  it('cannot reach B through /Bulk', async () => {
    const before = await snapshotB();
    const response = await a.post('/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [
        {
          method: 'PATCH',
          path: `/Users/${bUser.id}`,
          data: patchOps({ op: 'replace', path: 'active', value: false }),
        },
        { method: 'PUT', path: `/Groups/${bGroup.id}`, data: { schemas: [GROUP_SCHEMA], displayName: 'x' } },
        { method: 'DELETE', path: `/Users/${bUser.id}` },
        { method: 'DELETE', path: `/Groups/${bGroup.id}` },
      ],
    });
    expectStatus(response, 200);
    expect(response.body.Operations.map((op: { status: string }) => op.status)).toEqual([
      '404',
      '404',
      '404',
      '404',
    ]);
    expect(await snapshotB()).toEqual(before);
  });

  it('a manager from another tenant is not resolved', async () => {
    const created = await a.post(
      '/Users',
      newUser({ schemas: [USER_SCHEMA, ENTERPRISE], [ENTERPRISE]: { manager: { value: bUser.id } } }),
    );
    expectStatus(created, 201);
    expect(created.body[ENTERPRISE].manager).toEqual({ value: bUser.id });
  });

  it('the same userName and displayName may exist in both tenants', async () => {
    await createUser(a, { userName: bUser.userName });
    await createGroup(a, { displayName: bGroup.displayName });
  });
});
