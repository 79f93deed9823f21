import { newUser } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import {
  auditEvents,
  createGroup,
  createUser,
  ERROR_SCHEMA,
  GROUP_SCHEMA,
  memberIds,
  patch,
  tenant,
} from './support/helpers';
import { loadFixture, replay } from './support/replay';

const OKTA_UA = { 'user-agent': 'Okta SCIM Client 1.0.0' };

/**
 * Okta, issue 4 items 1-5. Request shapes from https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20
 * and the SPEC test https://developer.okta.com/standards/SCIM/SCIMFiles/Okta-SCIM-20-SPEC-Test.json
 */
describe('Okta', () => {
  let ctx: TestApp;

  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  describe('1. the SCIM 2.0 SPEC test sequence', () => {
    it('replays in full', async () => {
      const { bearer } = await tenant(ctx);
      const { results } = await replay(ctx, loadFixture('okta-spec-test.json'), bearer);
      expect(results.map((r) => r.response.status)).toEqual([
        201, 200, 200, 200, 404, 200, 201, 200, 409, 200, 200, 401, 404,
      ]);
    });

    it('404 with SCIM error status "404", for a non-UUID id and for an unknown UUID', async () => {
      const { scim } = await tenant(ctx);
      for (const id of ['00919288221112222', '9b2c8e0e-4a1f-4f7e-9d59-0c4a2f0f0b11']) {
        const response = await scim.get(`/Users/${id}`, OKTA_UA);
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({
          schemas: [ERROR_SCHEMA],
          status: '404',
          detail: expect.any(String),
        });
      }
    });

    it('a filter with no match is 200 with totalResults 0', async () => {
      const { scim } = await tenant(ctx);
      const response = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "nobody@atko.com"')}`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ totalResults: 0, Resources: [], itemsPerPage: 0 });
    });

    it('create is 201, a duplicate (any case) is 409 uniqueness, the upper-case lookup is 200 and finds it', async () => {
      const { scim } = await tenant(ctx);
      const created = await scim.post('/Users', newUser({ userName: 'Runscope.User@atko.com' }), {
        'content-type': 'application/json',
      });
      expect(created.status).toBe(201);
      const dup = await scim.post('/Users', newUser({ userName: 'runscope.user@ATKO.com' }), {
        'content-type': 'application/json',
      });
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness' });
      const upper = await scim.get(
        `/Users?filter=${encodeURIComponent('userName eq "RUNSCOPE.USER@ATKO.COM"')}`,
        OKTA_UA,
      );
      expect(upper.status).toBe(200);
      expect(upper.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
    });

    it('bad credentials are 401 with a SCIM error', async () => {
      for (const authorization of ['non-token', 'Bearer non-token', 'Bearer Ptest:not-a-key']) {
        const response = await ctx.http.get('/scim/v2/Users').set('authorization', authorization);
        expect(response.status).toBe(401);
        expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
        expect(response.body).toMatchObject({
          schemas: [ERROR_SCHEMA],
          status: '401',
          detail: expect.any(String),
        });
      }
    });
  });

  it('2. Test Connector Configuration: GET /Users?startIndex=1&count=2 and GET /Groups?startIndex=1&count=100', async () => {
    const { scim } = await tenant(ctx);
    for (const path of ['/Users?startIndex=1&count=2', '/Groups?startIndex=1&count=100']) {
      const response = await scim.get(path, OKTA_UA);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });
    }
  });

  describe('3. user lifecycle', () => {
    it('POST with an unsolicited password: 201, never stored or returned', async () => {
      const { scim } = await tenant(ctx);
      const response = await scim.post('/Users', newUser({ password: '1mz050nq', groups: [] }), OKTA_UA);
      expect(response.status).toBe(201);
      expect(response.body.password).toBeUndefined();
      const [row] = await ctx.db.query<Array<{ data: string }>>(
        `SELECT data::text AS data FROM scim_user WHERE id = $1`,
        [response.body.id],
      );
      expect(row.data).not.toContain('1mz050nq');
      expect(row.data).not.toMatch(/password/i);
    });

    it('PUT as a full read-modify-write keeps active: true and applies the change', async () => {
      const { scim, tenantId } = await tenant(ctx);
      const id = await createUser(scim);
      const current = (await scim.get(`/Users/${id}`, OKTA_UA)).body;
      const response = await scim.put(
        `/Users/${id}`,
        { ...current, name: { ...current.name, middleName: 'Excited' } },
        OKTA_UA,
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ active: true, name: { middleName: 'Excited' } });
      expect((await auditEvents(ctx, tenantId, 'scim.user.')).map((e) => e.type)).toEqual([
        'scim.user.created',
        'scim.user.updated',
      ]);
    });

    it('deactivation and reactivation by a no-path replace of {"active": false|true}', async () => {
      const { scim, tenantId } = await tenant(ctx);
      const id = await createUser(scim);
      const off = await scim.patch(
        `/Users/${id}`,
        patch({ op: 'replace', value: { active: false } }),
        OKTA_UA,
      );
      expect(off.status).toBe(200);
      expect(off.body.active).toBe(false);
      const on = await scim.patch(`/Users/${id}`, patch({ op: 'replace', value: { active: true } }), OKTA_UA);
      expect(on.status).toBe(200);
      expect(on.body.active).toBe(true);
      expect((await auditEvents(ctx, tenantId, 'scim.user.')).map((e) => e.type)).toEqual([
        'scim.user.created',
        'scim.user.deactivated',
        'scim.user.reactivated',
      ]);
    });

    it('Okta never deletes: a deactivated user stays readable, listed and findable by userName', async () => {
      const { scim } = await tenant(ctx);
      const id = await createUser(scim, { userName: 'kept@okta.local' });
      await scim.patch(`/Users/${id}`, patch({ op: 'replace', value: { active: false } }));
      expect((await scim.get(`/Users/${id}`)).body.active).toBe(false);
      const list = await scim.get('/Users?startIndex=1&count=100');
      expect(list.body.Resources.map((r: { id: string }) => r.id)).toContain(id);
      const found = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "kept@okta.local"')}`);
      expect(found.body.totalResults).toBe(1);
    });
  });

  describe('4. Group Push', () => {
    it('replays in full', async () => {
      const { bearer } = await tenant(ctx);
      await expect(replay(ctx, loadFixture('okta-group-push.json'), bearer)).resolves.toBeDefined();
    });

    it('POST /Groups with members [], then rename by no-path replace echoing the id', async () => {
      const { scim } = await tenant(ctx);
      const created = await scim.post(
        '/Groups',
        { schemas: [GROUP_SCHEMA], displayName: 'Push Me', members: [] },
        OKTA_UA,
      );
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const renamed = await scim.patch(
        `/Groups/${id}`,
        patch({ op: 'replace', value: { id, displayName: 'Pushed' } }),
        OKTA_UA,
      );
      expect(renamed.status).toBe(204);
      expect((await scim.get(`/Groups/${id}`)).body.displayName).toBe('Pushed');
      // The same rename by path.
      await scim.patch(`/Groups/${id}`, patch({ op: 'replace', path: 'displayName', value: 'Pushed 2' }));
      expect((await scim.get(`/Groups/${id}`)).body.displayName).toBe('Pushed 2');
    });

    it('member add without type; repeated adds are idempotent', async () => {
      const { scim, tenantId } = await tenant(ctx);
      const user = await createUser(scim);
      const group = await createGroup(scim, 'Idempotent');
      for (let i = 0; i < 3; i++) {
        const response = await scim.patch(
          `/Groups/${group}`,
          patch({ op: 'add', path: 'members', value: [{ value: user, display: 'x' }] }),
        );
        expect(response.status).toBe(204);
      }
      expect(await memberIds(scim, group)).toEqual([user]);
      const [{ count }] = await ctx.db.query<Array<{ count: string }>>(
        `SELECT count(*) FROM scim_group_member WHERE tenant_id = $1 AND group_id = $2`,
        [tenantId, group],
      );
      expect(Number(count)).toBe(1);
      expect((await auditEvents(ctx, tenantId, 'scim.group.members')).map((e) => e.type)).toEqual([
        'scim.group.members_added',
      ]);
    });

    it('replace members [] ("Push now" of an empty group) empties the group and keeps it', async () => {
      const { scim } = await tenant(ctx);
      const [a, b] = [await createUser(scim), await createUser(scim)];
      const group = await createGroup(scim, 'Soon empty', [a, b]);
      const response = await scim.patch(
        `/Groups/${group}`,
        patch({ op: 'replace', path: 'members', value: [] }),
      );
      expect(response.status).toBe(204);
      expect(await memberIds(scim, group)).toEqual([]);
      expect((await scim.get(`/Groups/${group}`)).body.displayName).toBe('Soon empty');
      // And on a group that is already empty, it is a harmless no-op.
      expect(
        (await scim.patch(`/Groups/${group}`, patch({ op: 'replace', path: 'members', value: [] }))).status,
      ).toBe(204);
    });

    it('a member that does not exist fails only its own part, the rest of the batch applies', async () => {
      const { scim, tenantId } = await tenant(ctx);
      const [a, b] = [await createUser(scim), await createUser(scim)];
      const group = await createGroup(scim, 'Partial');
      const ghost = '00000000-0000-4000-8000-00000000beef';
      const response = await scim.patch(
        `/Groups/${group}`,
        patch(
          {
            op: 'add',
            path: 'members',
            value: [{ value: a }, { value: ghost }, { value: 'not-even-a-uuid' }],
          },
          { op: 'add', path: 'members', value: [{ value: b }] },
          { op: 'replace', value: { displayName: 'Partial renamed' } },
        ),
      );
      expect(response.status).toBe(204);
      expect(await memberIds(scim, group)).toEqual([a, b].sort());
      expect((await scim.get(`/Groups/${group}`)).body.displayName).toBe('Partial renamed');
      const events = await auditEvents(ctx, tenantId, 'scim.group.');
      expect(events.at(-1)?.details).toMatchObject({
        skippedUnknownMembers: expect.arrayContaining([ghost]),
      });
    });
  });

  it('5. itemsPerPage equals the number of resources returned', async () => {
    const { scim } = await tenant(ctx);
    for (let i = 0; i < 5; i++) await createUser(scim);
    const cases: Array<[string, number]> = [
      ['/Users?startIndex=1&count=2', 2],
      ['/Users?startIndex=5&count=2', 1],
      ['/Users?startIndex=9&count=2', 0],
      ['/Users?startIndex=1&count=100', 5],
      ['/Users?count=0', 0],
      ['/Users', 5],
    ];
    for (const [path, expected] of cases) {
      const response = await scim.get(path);
      expect({
        path,
        status: response.status,
        itemsPerPage: response.body.itemsPerPage,
        returned: response.body.Resources?.length ?? 0,
      }).toEqual({
        path,
        status: 200,
        itemsPerPage: expected,
        returned: expected,
      });
      expect(response.body.totalResults).toBe(5);
    }
    const groups = await scim.get('/Groups?startIndex=1&count=100');
    expect(groups.body.itemsPerPage).toBe(groups.body.Resources.length);
  });
});
