import { ENTERPRISE, newUser, patchOps as patchOpsBody, USER_SCHEMA } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import {
  auditEvents,
  BASE,
  createGroup,
  createUser,
  enterprise,
  expectScimError,
  expectStatus,
  outboxRows,
  tenantClient,
  UUID,
  WEAK_ETAG,
} from './helpers';

/** Every core and enterprise attribute RFC 7643 defines for a User, with a value. */
function fullUser(n: string) {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId: `ext-${n}`,
    userName: `bjensen-${n}@example.com`,
    name: {
      formatted: 'Ms. Barbara J Jensen, III',
      familyName: 'Jensen',
      givenName: 'Barbara',
      middleName: 'Jane',
      honorificPrefix: 'Ms.',
      honorificSuffix: 'III',
    },
    displayName: 'Babs Jensen',
    nickName: 'Babs',
    profileUrl: 'https://login.example.com/bjensen',
    title: 'Tour Guide',
    userType: 'Employee',
    preferredLanguage: 'en-US',
    locale: 'en-US',
    timezone: 'America/Los_Angeles',
    active: true,
    emails: [
      { value: `bjensen-${n}@example.com`, type: 'work', primary: true },
      { value: `babs-${n}@jensen.org`, type: 'home' },
    ],
    phoneNumbers: [
      { value: '555-555-5555', type: 'work' },
      { value: '555-555-4444', type: 'mobile' },
    ],
    ims: [{ value: 'someaimhandle', type: 'aim' }],
    photos: [{ value: 'https://photos.example.com/profilephoto/72930000000Ccne/F', type: 'photo' }],
    addresses: [
      {
        type: 'work',
        streetAddress: '100 Universal City Plaza',
        locality: 'Hollywood',
        region: 'CA',
        postalCode: '91608',
        country: 'USA',
        formatted: '100 Universal City Plaza\nHollywood, CA 91608 USA',
        primary: true,
      },
    ],
    entitlements: [{ value: 'expense-approver' }],
    roles: [{ value: 'tour-guide' }],
    x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx' }],
    [ENTERPRISE]: {
      employeeNumber: '701984',
      costCenter: '4130',
      organization: 'Universal Studios',
      division: 'Theme Park',
      department: 'Tour Operations',
      manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith' },
    },
  };
}

describe('SCIM /Users', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => {
    await ctx.close();
  });

  describe('create and read', () => {
    it('POST answers 201 with a server-assigned UUID, Location, ETag and complete meta', async () => {
      const { scim } = await tenantClient(ctx);
      const body = newUser({ externalId: 'okta-00u1' });
      const response = await scim.post('/Users', body);
      expectStatus(response, 201);
      const user = response.body;
      expect(user.id).toMatch(UUID);
      expect(user.schemas).toEqual([USER_SCHEMA]);
      expect(user.externalId).toBe('okta-00u1');
      expect(response.headers.location).toBe(`${BASE}/Users/${user.id}`);
      expect(response.headers['content-type']).toContain('application/scim+json');
      expect(response.headers.etag).toMatch(WEAK_ETAG);
      expect(user.meta).toEqual({
        resourceType: 'User',
        created: expect.any(String),
        lastModified: expect.any(String),
        location: `${BASE}/Users/${user.id}`,
        version: response.headers.etag,
      });
      expect(new Date(user.meta.created).toISOString()).toBe(user.meta.created);
      expect(user.meta.lastModified).toBe(user.meta.created);
    });

    it('an id in the POST body is ignored: the server assigns it', async () => {
      const { scim } = await tenantClient(ctx);
      const mine = '11111111-1111-4111-8111-111111111111';
      const user = await createUser(scim, { id: mine });
      expect(user.id).not.toBe(mine);
      expect(user.id).toMatch(UUID);
    });

    it('round-trips every core and enterprise attribute through POST and GET', async () => {
      const { scim } = await tenantClient(ctx);
      const body = fullUser(Date.now().toString(36));
      const created = await scim.post('/Users', body);
      expectStatus(created, 201);
      const fetched = await scim.get(`/Users/${created.body.id}`);
      expectStatus(fetched, 200);
      for (const resource of [created.body, fetched.body]) {
        const { schemas, [ENTERPRISE]: ext, ...core } = body;
        expect(resource).toMatchObject(core);
        expect(resource.schemas).toEqual(expect.arrayContaining(schemas));
        // manager.displayName is readOnly (RFC 7643 §4.3): the server fills it, the client cannot set it.
        const { manager, ...rest } = ext;
        expect(enterprise(resource)).toMatchObject(rest);
        expect(enterprise(resource).manager.value).toBe(manager.value);
      }
      expect(fetched.headers.etag).toBe(created.headers.etag);
      expect(fetched.headers.location).toBe(created.headers.location);
      expect(fetched.body.meta).toEqual(created.body.meta);
    });

    it('accepts a password, never returns it, and stores it nowhere', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const secret = `t1meMach1ne-${Date.now()}`;
      const created = await scim.post('/Users', newUser({ password: secret }));
      expectStatus(created, 201);
      expect(created.body.password).toBeUndefined();
      const id = created.body.id;
      const reads = [
        await scim.get(`/Users/${id}`),
        await scim.get(`/Users/${id}?attributes=password`),
        await scim.get(`/Users?filter=${encodeURIComponent(`id eq "${id}"`)}`),
        await scim.put(`/Users/${id}`, { ...newUser({ userName: created.body.userName }), password: secret }),
        await scim.patch(`/Users/${id}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'password', value: `${secret}-2` }],
        }),
      ];
      for (const read of reads) {
        expect(read.status).toBeLessThan(300);
        expect(JSON.stringify(read.body)).not.toContain(secret);
      }
      // Not in any column of any table: scan every text/json value the tenant owns.
      const tables = ['scim_user', 'audit_event', 'outbox_message'];
      for (const table of tables) {
        const [{ n }] = await ctx.db.query(
          `SELECT count(*)::int AS n FROM ${table} t WHERE row_to_json(t)::text LIKE $1`,
          [`%${secret}%`],
        );
        expect({ table, n }).toEqual({ table, n: 0 });
      }
      const [row] = await ctx.db.query(`SELECT data FROM scim_user WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        id,
      ]);
      expect(row.data.password).toBeUndefined();
    });

    it('manager gets its $ref and displayName from the manager user, who must be of the tenant', async () => {
      const { scim } = await tenantClient(ctx);
      const boss = await createUser(scim, { displayName: 'The Boss' });
      const created = await scim.post(
        '/Users',
        newUser({
          schemas: [USER_SCHEMA, ENTERPRISE],
          [ENTERPRISE]: { department: 'Ops', manager: { value: boss.id } },
        }),
      );
      expectStatus(created, 201);
      const expected = { value: boss.id, $ref: `${BASE}/Users/${boss.id}`, displayName: 'The Boss' };
      expect(enterprise(created.body).manager).toEqual(expected);
      expect(enterprise((await scim.get(`/Users/${created.body.id}`)).body).manager).toEqual(expected);
      const listed = await scim.get(`/Users?filter=${encodeURIComponent(`id eq "${created.body.id}"`)}`);
      expect(enterprise(listed.body.Resources[0]).manager).toEqual(expected);
    });

    it('GET of an unknown or malformed id is a SCIM 404', async () => {
      const { scim } = await tenantClient(ctx);
      expectScimError(await scim.get('/Users/6d1a4e7f-9a8b-4c3d-8e2f-1a2b3c4d5e6f'), 404);
      expectScimError(await scim.get('/Users/not-a-uuid'), 404);
    });

    it('lists users with totalResults, itemsPerPage, startIndex and the ListResponse schema', async () => {
      const { scim } = await tenantClient(ctx);
      await createUser(scim);
      await createUser(scim);
      const response = await scim.get('/Users');
      expectStatus(response, 200);
      expect(response.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
      expect(response.body.totalResults).toBe(2);
      expect(response.body.itemsPerPage).toBe(2);
      expect(response.body.startIndex).toBe(1);
      expect(response.body.Resources).toHaveLength(2);
      for (const user of response.body.Resources) expect(user.meta.location).toBe(`${BASE}/Users/${user.id}`);
    });
  });

  describe('groups attribute', () => {
    it('is computed from memberships, read-only, and follows membership changes', async () => {
      const { scim } = await tenantClient(ctx);
      const user = await createUser(scim);
      expect(user.groups).toBeUndefined();
      const group = await createGroup(scim, { members: [{ value: user.id }] });
      const read = await scim.get(`/Users/${user.id}`);
      expect(read.body.groups).toEqual([
        { value: group.id, $ref: `${BASE}/Groups/${group.id}`, display: group.displayName, type: 'direct' },
      ]);
      const listed = await scim.get(`/Users?filter=${encodeURIComponent(`id eq "${user.id}"`)}`);
      expect(listed.body.Resources[0].groups).toEqual(read.body.groups);

      // Writing groups on a user is refused: they are computed.
      const patched = await scim.patch(`/Users/${user.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'groups', value: [{ value: group.id }] }],
      });
      expectScimError(patched, 400, 'mutability');

      await scim.patch(`/Groups/${group.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'remove', path: `members[value eq "${user.id}"]` }],
      });
      expect((await scim.get(`/Users/${user.id}`)).body.groups).toBeUndefined();
    });

    it('is kept (not cleared) by PUT and shown in the PUT and PATCH responses', async () => {
      const { scim } = await tenantClient(ctx);
      const user = await createUser(scim);
      const group = await createGroup(scim, { members: [{ value: user.id }] });
      const put = await scim.put(`/Users/${user.id}`, newUser({ userName: user.userName, groups: [] }));
      expectStatus(put, 200);
      expect(put.body.groups).toEqual([expect.objectContaining({ value: group.id })]);
      const patched = await scim.patch(`/Users/${user.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'Boss' }],
      });
      expect(patched.body.groups).toEqual([expect.objectContaining({ value: group.id })]);
    });
  });

  describe('PUT', () => {
    it('replaces the resource: omitted attributes are cleared, readOnly ones kept, version moves', async () => {
      const { scim } = await tenantClient(ctx);
      const created = await scim.post('/Users', fullUser(Date.now().toString(36)));
      const id = created.body.id;
      const replacement = {
        schemas: [USER_SCHEMA],
        userName: created.body.userName,
        displayName: 'Only This',
        // readOnly attributes in the body are ignored, not applied.
        id: '22222222-2222-4222-8222-222222222222',
        meta: { created: '2000-01-01T00:00:00Z' },
      };
      const put = await scim.put(`/Users/${id}`, replacement);
      expectStatus(put, 200);
      expect(put.body.id).toBe(id);
      expect(put.body.displayName).toBe('Only This');
      for (const cleared of [
        'externalId',
        'name',
        'nickName',
        'title',
        'emails',
        'phoneNumbers',
        'addresses',
      ]) {
        expect({ cleared, value: put.body[cleared] }).toEqual({ cleared, value: undefined });
      }
      expect(put.body[ENTERPRISE]).toBeUndefined();
      expect(put.body.schemas).toEqual([USER_SCHEMA]);
      expect(put.body.meta.created).toBe(created.body.meta.created);
      expect(put.body.meta.version).not.toBe(created.body.meta.version);
      expect(put.headers.etag).toBe(put.body.meta.version);
      expect(put.headers.location).toBe(`${BASE}/Users/${id}`);
      expect(new Date(put.body.meta.lastModified).getTime()).toBeGreaterThanOrEqual(
        new Date(created.body.meta.lastModified).getTime(),
      );
      expect((await scim.get(`/Users/${id}`)).body).toEqual(put.body);
    });

    it('PUT of an unknown id is 404', async () => {
      const { scim } = await tenantClient(ctx);
      expectScimError(await scim.put('/Users/6d1a4e7f-9a8b-4c3d-8e2f-1a2b3c4d5e6f', newUser()), 404);
    });
  });

  describe('DELETE', () => {
    it('answers 204, then the user is gone (404), and a second DELETE is 404', async () => {
      const { scim } = await tenantClient(ctx);
      const user = await createUser(scim);
      const deleted = await scim.delete(`/Users/${user.id}`);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expectScimError(await scim.get(`/Users/${user.id}`), 404);
      expectScimError(await scim.delete(`/Users/${user.id}`), 404);
    });

    it('removes the user from every group, and leaves the groups', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const [user, other] = [await createUser(scim), await createUser(scim)];
      const g1 = await createGroup(scim, { members: [{ value: user.id }, { value: other.id }] });
      const g2 = await createGroup(scim, { members: [{ value: user.id }] });
      expect((await scim.delete(`/Users/${user.id}`)).status).toBe(204);
      const [{ n }] = await ctx.db.query(
        `SELECT count(*)::int AS n FROM scim_group_member WHERE tenant_id = $1 AND member_id = $2`,
        [tenantId, user.id],
      );
      expect(n).toBe(0);
      expect((await scim.get(`/Groups/${g1.id}`)).body.members.map((m: any) => m.value)).toEqual([other.id]);
      const g2Read = await scim.get(`/Groups/${g2.id}`);
      expectStatus(g2Read, 200);
      expect(g2Read.body.members ?? []).toEqual([]);
    });
  });

  describe('uniqueness', () => {
    it('userName is unique per tenant whatever its case: 409 uniqueness', async () => {
      const { scim } = await tenantClient(ctx);
      const user = await createUser(scim, { userName: `Mixed.Case-${Date.now()}@Example.com` });
      expectScimError(await scim.post('/Users', newUser({ userName: user.userName })), 409, 'uniqueness');
      expectScimError(
        await scim.post('/Users', newUser({ userName: user.userName.toUpperCase() })),
        409,
        'uniqueness',
      );
      // Renaming another user onto it is refused the same way, by PUT and PATCH.
      const other = await createUser(scim);
      expectScimError(
        await scim.put(`/Users/${other.id}`, newUser({ userName: user.userName.toLowerCase() })),
        409,
        'uniqueness',
      );
      expectScimError(
        await scim.patch(`/Users/${other.id}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'userName', value: user.userName }],
        }),
        409,
        'uniqueness',
      );
    });

    it('the same userName in another tenant is fine', async () => {
      const a = await tenantClient(ctx);
      const b = await tenantClient(ctx);
      const user = await createUser(a.scim);
      await createUser(b.scim, { userName: user.userName });
    });

    it('ten concurrent POSTs of one userName yield exactly one 201 and nine 409', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const userName = `race-${Date.now()}@example.com`;
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          scim.post('/Users', newUser({ userName: i % 2 ? userName : userName.toUpperCase() })),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      for (const r of responses.filter((r) => r.status === 409)) expectScimError(r, 409, 'uniqueness');
      const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM scim_user WHERE tenant_id = $1`, [
        tenantId,
      ]);
      expect(n).toBe(1);
      const created = (await auditEvents(ctx, tenantId)).filter((e) => e.type === 'scim.user.created');
      expect(created).toHaveLength(1);
    });
  });

  describe('audit and outbox: one transaction per write', () => {
    it('records created, updated, deactivated, reactivated and deleted with who, what and which request', async () => {
      const { scim, tenantId, keyId } = await tenantClient(ctx);
      const agent = 'Okta SCIM Client 1.0.0';
      const headers = { 'user-agent': agent, 'x-request-id': `req-${Date.now()}` };
      const created = await scim.post('/Users', newUser({ title: 'Dev' }), headers);
      const id = created.body.id;
      const email = created.body.emails[0].value;
      const patch = (op: Record<string, unknown>) =>
        scim.patch(
          `/Users/${id}`,
          { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [op] },
          headers,
        );
      expectStatus(await patch({ op: 'replace', path: 'title', value: 'Lead' }), 200);
      expectStatus(await patch({ op: 'replace', value: { active: false } }), 200);
      expectStatus(await patch({ op: 'replace', path: 'active', value: true }), 200);
      expect((await scim.delete(`/Users/${id}`, headers)).status).toBe(204);

      const events = await auditEvents(ctx, tenantId);
      expect(events.map((e) => e.type)).toEqual([
        'scim.user.created',
        'scim.user.updated',
        'scim.user.deactivated',
        'scim.user.reactivated',
        'scim.user.deleted',
      ]);
      for (const event of events) {
        expect(event).toMatchObject({
          category: 'SCIMEvent',
          outcome: 'success',
          actor_key_id: keyId,
          target_id: id,
          target_login: created.body.userName,
          target_email: email,
          request_id: headers['x-request-id'],
          user_agent: agent,
        });
      }
      expect(events[0].changed_attributes).toEqual(expect.arrayContaining(['userName', 'emails', 'title']));
      expect(events[1].changed_attributes).toEqual(['title']);
      expect(events[2].changed_attributes).toEqual(['active']);
      expect(events[3].changed_attributes).toEqual(['active']);

      // Every change that can touch a session leaves an outbox row in its own transaction.
      const jobs = await outboxRows(ctx, tenantId);
      const forUser = jobs.filter((job) => (job.payload.userIds ?? []).includes(id));
      expect(forUser.map((job) => job.job_name)).toEqual([
        'sessions.flag',
        'sessions.revoke',
        'sessions.flag',
        'sessions.revoke',
      ]);
    });

    it('a write that fails leaves no row, no change event and no outbox row', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const user = await createUser(scim);
      const before = {
        events: (await auditEvents(ctx, tenantId)).length,
        jobs: (await outboxRows(ctx, tenantId)).length,
      };
      expectScimError(await scim.post('/Users', newUser({ userName: user.userName })), 409, 'uniqueness');
      expectScimError(
        await scim.patch(`/Users/${user.id}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [
            { op: 'replace', path: 'title', value: 'Changed' },
            { op: 'replace', path: 'id', value: 'x' },
          ],
        }),
        400,
        'mutability',
      );
      expect((await auditEvents(ctx, tenantId)).length).toBe(before.events);
      expect((await outboxRows(ctx, tenantId)).length).toBe(before.jobs);
      expect((await scim.get(`/Users/${user.id}`)).body.title).toBeUndefined();
    });

    it.each(['audit_event', 'outbox_message'])(
      'when writing %s fails, the change rolls back with it (one transaction)',
      async (table) => {
        const { scim, tenantId } = await tenantClient(ctx);
        const user = await createUser(scim, { title: 'Before' });
        const group = await createGroup(scim, { members: [{ value: user.id }] });
        const before = {
          events: (await auditEvents(ctx, tenantId)).length,
          jobs: (await outboxRows(ctx, tenantId)).length,
        };
        const trigger = `fail_${table}_${tenantId.replace(/-/g, '')}`;
        await ctx.db.query(`
          CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.tenant_id = '${tenantId}' THEN RAISE EXCEPTION 'injected failure'; END IF;
            RETURN NEW;
          END $$`);
        // audit_event is partitioned: a row trigger on the parent applies to every partition.
        await ctx.db.query(
          `CREATE TRIGGER ${trigger} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${trigger}()`,
        );
        try {
          const patched = await scim.patch(
            `/Users/${user.id}`,
            patchOpsBody(
              { op: 'replace', path: 'active', value: false },
              { op: 'replace', path: 'title', value: 'After' },
            ),
          );
          expect(patched.status).toBe(500);
          expectScimError(patched, 500);
          expect((await scim.delete(`/Users/${user.id}`)).status).toBe(500);
          expect((await scim.delete(`/Groups/${group.id}`)).status).toBe(500);
        } finally {
          await ctx.db.query(`DROP TRIGGER ${trigger} ON ${table}`);
          await ctx.db.query(`DROP FUNCTION ${trigger}()`);
        }
        const read = await scim.get(`/Users/${user.id}`);
        expect(read.body).toMatchObject({
          title: 'Before',
          active: true,
          meta: { version: user.meta.version },
        });
        expect(read.body.groups).toEqual([expect.objectContaining({ value: group.id })]);
        expect((await auditEvents(ctx, tenantId)).length).toBe(before.events);
        expect((await outboxRows(ctx, tenantId)).length).toBe(before.jobs);
      },
    );

    it('a no-op write bumps nothing and records nothing', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const user = await createUser(scim, { title: 'Same' });
      const before = (await auditEvents(ctx, tenantId)).length;
      const response = await scim.patch(`/Users/${user.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'Same' }],
      });
      expectStatus(response, 200);
      expect(response.body.meta.version).toBe(user.meta.version);
      expect((await auditEvents(ctx, tenantId)).length).toBe(before);
    });
  });
});
