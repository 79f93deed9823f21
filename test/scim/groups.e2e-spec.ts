import { Client } from 'pg';

import { GROUP_SCHEMA, patchOps } from '../support/scim-client';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { testDatabaseUrl } from '../support/test-env';
import {
  auditEvents,
  BASE,
  createGroup,
  createUser,
  expectScimError,
  expectStatus,
  memberIds,
  outboxRows,
  tenantClient,
  UUID,
  WEAK_ETAG,
} from './helpers';

describe('SCIM /Groups', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => {
    await ctx.close();
  });

  /** Physical identity of each membership row: an UPDATE or re-INSERT changes it. */
  const memberRowVersions = async (tenantId: string, groupId: string) =>
    new Map<string, string>(
      (
        await ctx.db.query(
          `SELECT member_id, ctid::text || '/' || xmin::text AS v FROM scim_group_member WHERE tenant_id = $1 AND group_id = $2`,
          [tenantId, groupId],
        )
      ).map((row: { member_id: string; v: string }) => [row.member_id, row.v]),
    );

  describe('CRUD', () => {
    it('POST with members answers 201 with Location, ETag, meta and typed members', async () => {
      const { scim } = await tenantClient(ctx);
      const user = await createUser(scim, { displayName: 'Member One' });
      const sub = await createGroup(scim);
      const response = await scim.post('/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: 'Tour Guides',
        externalId: 'okta-grp-1',
        members: [{ value: user.id }, { value: sub.id, type: 'Group' }],
      });
      expectStatus(response, 201);
      const group = response.body;
      expect(group.id).toMatch(UUID);
      expect(group.schemas).toEqual([GROUP_SCHEMA]);
      expect(group.displayName).toBe('Tour Guides');
      expect(group.externalId).toBe('okta-grp-1');
      expect(response.headers.location).toBe(`${BASE}/Groups/${group.id}`);
      expect(response.headers.etag).toMatch(WEAK_ETAG);
      expect(group.meta).toEqual({
        resourceType: 'Group',
        created: expect.any(String),
        lastModified: expect.any(String),
        location: `${BASE}/Groups/${group.id}`,
        version: response.headers.etag,
      });
      expect(group.members).toEqual(
        expect.arrayContaining([
          { value: user.id, $ref: `${BASE}/Users/${user.id}`, display: 'Member One', type: 'User' },
          { value: sub.id, $ref: `${BASE}/Groups/${sub.id}`, display: sub.displayName, type: 'Group' },
        ]),
      );
      expect(group.members).toHaveLength(2);
      const read = await scim.get(`/Groups/${group.id}`);
      expectStatus(read, 200);
      expect(read.headers.etag).toBe(response.headers.etag);
      expect(read.headers.location).toBe(response.headers.location);
      expect(memberIds(read.body)).toEqual(memberIds(group));
    });

    it('displayName is required: 400 invalidValue', async () => {
      const { scim } = await tenantClient(ctx);
      const response = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], members: [] });
      expectScimError(response, 400, 'invalidValue');
    });

    it('lists groups; PUT replaces displayName, externalId and members; DELETE answers 204', async () => {
      const { scim } = await tenantClient(ctx);
      const [a, b] = [await createUser(scim), await createUser(scim)];
      const group = await createGroup(scim, { externalId: 'x1', members: [{ value: a.id }] });
      const list = await scim.get('/Groups');
      expectStatus(list, 200);
      expect(list.body.totalResults).toBe(1);
      expect(list.body.Resources[0].id).toBe(group.id);

      const put = await scim.put(`/Groups/${group.id}`, {
        schemas: [GROUP_SCHEMA],
        displayName: 'Renamed',
        members: [{ value: b.id }],
      });
      expectStatus(put, 200);
      expect(put.body.displayName).toBe('Renamed');
      expect(put.body.externalId).toBeUndefined();
      expect(memberIds(put.body)).toEqual([b.id]);
      expect(put.body.meta.created).toBe(group.meta.created);
      expect(put.headers.etag).toBe(put.body.meta.version);
      expect(put.body.meta.version).not.toBe(group.meta.version);

      // PUT without members leaves the group empty.
      const emptied = await scim.put(`/Groups/${group.id}`, {
        schemas: [GROUP_SCHEMA],
        displayName: 'Renamed',
      });
      expectStatus(emptied, 200);
      expect(emptied.body.members ?? []).toEqual([]);

      const deleted = await scim.delete(`/Groups/${group.id}`);
      expect(deleted.status).toBe(204);
      expectScimError(await scim.get(`/Groups/${group.id}`), 404);
      expectScimError(await scim.delete(`/Groups/${group.id}`), 404);
      expectScimError(
        await scim.put(`/Groups/${group.id}`, { schemas: [GROUP_SCHEMA], displayName: 'x' }),
        404,
      );
      expectScimError(
        await scim.patch(`/Groups/${group.id}`, patchOps({ op: 'add', path: 'externalId', value: 'y' })),
        404,
      );
    });

    it('deleting a group leaves its users, and removes it from their groups', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const user = await createUser(scim);
      const group = await createGroup(scim, { members: [{ value: user.id }] });
      expect((await scim.get(`/Users/${user.id}`)).body.groups).toHaveLength(1);
      expect((await scim.delete(`/Groups/${group.id}`)).status).toBe(204);
      const read = await scim.get(`/Users/${user.id}`);
      expectStatus(read, 200);
      expect(read.body.groups).toBeUndefined();
      const [{ n }] = await ctx.db.query(
        `SELECT count(*)::int AS n FROM scim_group_member WHERE tenant_id = $1 AND group_id = $2`,
        [tenantId, group.id],
      );
      expect(n).toBe(0);
    });

    it('deleting a nested group removes it from its parent only', async () => {
      const { scim } = await tenantClient(ctx);
      const user = await createUser(scim);
      const child = await createGroup(scim);
      const parent = await createGroup(scim, {
        members: [{ value: child.id, type: 'Group' }, { value: user.id }],
      });
      expect((await scim.delete(`/Groups/${child.id}`)).status).toBe(204);
      expect(memberIds((await scim.get(`/Groups/${parent.id}`)).body)).toEqual([user.id]);
    });
  });

  describe('members are rows', () => {
    it('PATCH add, remove and replace touch only the rows they name', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const users = [];
      for (let i = 0; i < 5; i++) users.push(await createUser(scim));
      const [u1, u2, u3, u4, u5] = users;
      const group = await createGroup(scim, { members: [{ value: u1.id }, { value: u2.id }] });
      const initial = await memberRowVersions(tenantId, group.id);

      const added = await scim.patch(
        `/Groups/${group.id}`,
        patchOps({ op: 'add', path: 'members', value: [{ value: u3.id }, { value: u1.id }] }),
      );
      expect(added.status).toBe(204);
      expect(added.headers.etag).toMatch(WEAK_ETAG);
      expect(added.headers.etag).not.toBe(group.meta.version);
      const afterAdd = await memberRowVersions(tenantId, group.id);
      expect([...afterAdd.keys()].sort()).toEqual([u1.id, u2.id, u3.id].sort());
      expect(afterAdd.get(u1.id)).toBe(initial.get(u1.id));
      expect(afterAdd.get(u2.id)).toBe(initial.get(u2.id));

      const removed = await scim.patch(
        `/Groups/${group.id}`,
        patchOps({ op: 'remove', path: `members[value eq "${u2.id}"]` }),
      );
      expect(removed.status).toBe(204);
      const afterRemove = await memberRowVersions(tenantId, group.id);
      expect([...afterRemove.keys()].sort()).toEqual([u1.id, u3.id].sort());
      expect(afterRemove.get(u1.id)).toBe(initial.get(u1.id));
      expect(afterRemove.get(u3.id)).toBe(afterAdd.get(u3.id));

      // Entra: remove with a value list removes exactly those.
      expect(
        (
          await scim.patch(
            `/Groups/${group.id}`,
            patchOps({ op: 'remove', path: 'members', value: [{ value: u3.id }] }),
          )
        ).status,
      ).toBe(204);

      // replace keeps the rows of members that stay.
      const replaced = await scim.patch(
        `/Groups/${group.id}`,
        patchOps({
          op: 'replace',
          path: 'members',
          value: [{ value: u1.id }, { value: u4.id }, { value: u5.id }],
        }),
      );
      expect(replaced.status).toBe(204);
      const afterReplace = await memberRowVersions(tenantId, group.id);
      expect([...afterReplace.keys()].sort()).toEqual([u1.id, u4.id, u5.id].sort());
      expect(afterReplace.get(u1.id)).toBe(initial.get(u1.id));

      // The group row itself: only its version and lastModified move.
      const read = await scim.get(`/Groups/${group.id}`);
      expect(memberIds(read.body)).toEqual([u1.id, u4.id, u5.id].sort());
      expect(read.headers.etag).toBe(replaced.headers.etag);

      // remove everything
      expect(
        (await scim.patch(`/Groups/${group.id}`, patchOps({ op: 'remove', path: 'members' }))).status,
      ).toBe(204);
      expect((await memberRowVersions(tenantId, group.id)).size).toBe(0);
    });

    it('PATCH with attributes answers 200 with the projected group', async () => {
      const { scim } = await tenantClient(ctx);
      const user = await createUser(scim);
      const group = await createGroup(scim);
      const response = await scim.patch(
        `/Groups/${group.id}?attributes=members`,
        patchOps({ op: 'add', path: 'members', value: [{ value: user.id }] }),
      );
      expectStatus(response, 200);
      expect(response.body.id).toBe(group.id);
      expect(response.body.displayName).toBeUndefined();
      expect(memberIds(response.body)).toEqual([user.id]);
      expect(response.headers.etag).toBe(response.body.meta.version);
    });

    it('a member reference to nothing is skipped, the rest applies', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const user = await createUser(scim);
      const group = await createGroup(scim);
      const ghost = '6d1a4e7f-9a8b-4c3d-8e2f-1a2b3c4d5e6f';
      const response = await scim.patch(
        `/Groups/${group.id}?attributes=members`,
        patchOps({
          op: 'add',
          path: 'members',
          value: [{ value: ghost }, { value: user.id }, { value: 'not-a-uuid' }],
        }),
      );
      expectStatus(response, 200);
      expect(memberIds(response.body)).toEqual([user.id]);
      const [{ n }] = await ctx.db.query(
        `SELECT count(*)::int AS n FROM scim_group_member WHERE tenant_id = $1 AND group_id = $2`,
        [tenantId, group.id],
      );
      expect(n).toBe(1);
    });

    it('a group read with excludedAttributes=members never touches membership rows', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const user = await createUser(scim);
      const group = await createGroup(scim, { members: [{ value: user.id }] });
      const locker = new Client({ connectionString: testDatabaseUrl(ctx.databaseName) });
      await locker.connect();
      try {
        // Nobody may even read scim_group_member while this lock is held.
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE scim_group_member IN ACCESS EXCLUSIVE MODE');
        const started = Date.now();
        const excluded = await scim.get(`/Groups/${group.id}?excludedAttributes=members`);
        expectStatus(excluded, 200);
        expect(excluded.body.members).toBeUndefined();
        expect(excluded.body.displayName).toBe(group.displayName);
        const listed = await scim.get(
          `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${group.displayName}"`)}`,
        );
        expectStatus(listed, 200);
        expect(listed.body.Resources[0].members).toBeUndefined();
        const projected = await scim.get(`/Groups/${group.id}?attributes=displayName`);
        expectStatus(projected, 200);
        expect(Date.now() - started).toBeLessThan(2_000);

        // The control: a read that wants members waits for the lock.
        let full = false;
        const pending = scim.get(`/Groups/${group.id}`).then((response) => {
          full = true;
          return response;
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(full).toBe(false);
        await locker.query('ROLLBACK');
        expect(memberIds((await pending).body)).toEqual([user.id]);
      } finally {
        await locker.end();
      }
      expect(tenantId).toMatch(UUID);
    });
  });

  describe('races between membership writes and deletes', () => {
    /** Runs `work` while another transaction has deleted `sql` rows but not yet committed. */
    async function whileDeleting<T>(sql: string, params: unknown[], work: () => Promise<T>): Promise<T> {
      const deleter = new Client({ connectionString: testDatabaseUrl(ctx.databaseName) });
      await deleter.connect();
      try {
        await deleter.query('BEGIN');
        await deleter.query(sql, params);
        // supertest sends on then(): start the request now.
        const pending = Promise.resolve(work());
        // Commit only once the request waits on the deleted row, or has already answered.
        let settled = false;
        void pending.finally(() => (settled = true));
        await eventually(
          async () => settled || (await waitingOnLock(deleter)),
          5_000,
          'the request to reach the row',
        );
        await deleter.query('COMMIT');
        return await pending;
      } finally {
        await deleter.end();
      }
    }

    const waitingOnLock = async (client: Client) =>
      (
        await client.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )
      ).rows[0].n > 0;

    it('two groups adding each other as members at once both succeed (no deadlock, no 500)', async () => {
      const { scim } = await tenantClient(ctx);
      for (let round = 0; round < 5; round++) {
        const [a, b] = [await createGroup(scim), await createGroup(scim)];
        const add = (to: string, member: string) =>
          scim.patch(
            `/Groups/${to}`,
            patchOps({ op: 'add', path: 'members', value: [{ value: member, type: 'Group' }] }),
          );
        const responses = await Promise.all([
          add(a.id, b.id),
          add(b.id, a.id),
          add(a.id, b.id),
          add(b.id, a.id),
        ]);
        expect(responses.map((r) => r.status)).toEqual([204, 204, 204, 204]);
      }
    });

    it('a group write does not wait for a transaction that references the group as a member', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const group = await createGroup(scim);
      const referrer = new Client({ connectionString: testDatabaseUrl(ctx.databaseName) });
      await referrer.connect();
      try {
        // What a membership insert naming this group holds until it commits.
        await referrer.query('BEGIN');
        await referrer.query('SELECT 1 FROM scim_group WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE', [
          tenantId,
          group.id,
        ]);
        const started = Date.now();
        const renamed = await scim.patch(
          `/Groups/${group.id}?attributes=displayName`,
          patchOps({ op: 'replace', path: 'displayName', value: `renamed-${group.id}` }),
        );
        expectStatus(renamed, 200);
        expect(Date.now() - started).toBeLessThan(2_000);
      } finally {
        await referrer.query('ROLLBACK');
        await referrer.end();
      }
    });

    it('adding a user that is being deleted skips it: no 500, no dangling row', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const [doomed, kept] = [await createUser(scim), await createUser(scim)];
      const group = await createGroup(scim);
      const response = await whileDeleting(
        'DELETE FROM scim_user WHERE tenant_id = $1 AND id = $2',
        [tenantId, doomed.id],
        () =>
          scim.patch(
            `/Groups/${group.id}?attributes=members`,
            patchOps({ op: 'add', path: 'members', value: [{ value: doomed.id }, { value: kept.id }] }),
          ),
      );
      expectStatus(response, 200);
      expect(memberIds(response.body)).toEqual([kept.id]);
    });

    it('creating a group with a member group that is being deleted skips it', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const doomed = await createGroup(scim);
      const response = await whileDeleting(
        'DELETE FROM scim_group WHERE tenant_id = $1 AND id = $2',
        [tenantId, doomed.id],
        () =>
          scim.post('/Groups', {
            schemas: [GROUP_SCHEMA],
            displayName: `race-${Date.now()}`,
            members: [{ value: doomed.id, type: 'Group' }],
          }),
      );
      expectStatus(response, 201);
      expect(response.body.members ?? []).toEqual([]);
    });
  });

  describe('uniqueness', () => {
    it('displayName is unique per tenant (case-insensitive): 409 uniqueness on POST, PUT and PATCH', async () => {
      const { scim } = await tenantClient(ctx);
      const group = await createGroup(scim, { displayName: 'Engineering' });
      expectScimError(
        await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering' }),
        409,
        'uniqueness',
      );
      expectScimError(
        await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'ENGINEERING' }),
        409,
        'uniqueness',
      );
      const other = await createGroup(scim);
      expectScimError(
        await scim.put(`/Groups/${other.id}`, { schemas: [GROUP_SCHEMA], displayName: 'engineering' }),
        409,
        'uniqueness',
      );
      expectScimError(
        await scim.patch(
          `/Groups/${other.id}`,
          patchOps({ op: 'replace', path: 'displayName', value: 'Engineering' }),
        ),
        409,
        'uniqueness',
      );
      expect((await scim.get(`/Groups/${group.id}`)).body.displayName).toBe('Engineering');
      const b = await tenantClient(ctx);
      await createGroup(b.scim, { displayName: 'Engineering' });
    });

    it('ten concurrent POSTs of one displayName yield exactly one 201', async () => {
      const { scim, tenantId } = await tenantClient(ctx);
      const displayName = `race-${Date.now()}`;
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName })),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([
        201, 409, 409, 409, 409, 409, 409, 409, 409, 409,
      ]);
      for (const r of responses.filter((r) => r.status === 409)) expectScimError(r, 409, 'uniqueness');
      const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM scim_group WHERE tenant_id = $1`, [
        tenantId,
      ]);
      expect(n).toBe(1);
    });
  });

  describe('audit and outbox', () => {
    it('records created, members_added, members_removed, updated and deleted, with outbox rows for members', async () => {
      const { scim, tenantId, keyId } = await tenantClient(ctx);
      const [u1, u2] = [await createUser(scim), await createUser(scim)];
      const headers = { 'user-agent': 'Microsoft.Azure.SCIM', 'x-request-id': `grp-${Date.now()}` };
      const created = await scim.post(
        '/Groups',
        { schemas: [GROUP_SCHEMA], displayName: 'Audited', members: [{ value: u1.id }] },
        headers,
      );
      const id = created.body.id;
      await scim.patch(
        `/Groups/${id}`,
        patchOps({ op: 'add', path: 'members', value: [{ value: u2.id }] }),
        headers,
      );
      await scim.patch(
        `/Groups/${id}`,
        patchOps({ op: 'remove', path: `members[value eq "${u1.id}"]` }),
        headers,
      );
      await scim.patch(
        `/Groups/${id}`,
        patchOps({ op: 'replace', path: 'displayName', value: 'Audited 2' }),
        headers,
      );
      await scim.delete(`/Groups/${id}`, headers);

      const events = (await auditEvents(ctx, tenantId)).filter((e) => e.type.startsWith('scim.group.'));
      expect(events.map((e) => e.type)).toEqual([
        'scim.group.created',
        'scim.group.members_added',
        'scim.group.members_removed',
        'scim.group.updated',
        'scim.group.deleted',
      ]);
      for (const event of events) {
        expect(event).toMatchObject({
          category: 'SCIMEvent',
          outcome: 'success',
          actor_key_id: keyId,
          target_id: id,
          request_id: headers['x-request-id'],
          user_agent: headers['user-agent'],
        });
      }
      expect(events[0].changed_attributes).toEqual(['displayName', 'members']);
      expect(events[1].changed_attributes).toEqual(['members']);
      expect(events[1].details.addedMemberIds).toEqual([u2.id]);
      expect(events[2].details.removedMemberIds).toEqual([u1.id]);
      expect(events[3].changed_attributes).toEqual(['displayName']);

      const jobs = await outboxRows(ctx, tenantId);
      const flagged = (userId: string) =>
        jobs.filter((job) => job.job_name === 'sessions.flag' && job.payload.userIds.includes(userId)).length;
      expect(flagged(u1.id)).toBe(2); // created with u1, removed u1
      expect(flagged(u2.id)).toBe(2); // added u2, group deleted
      expect(
        jobs.some((job) => job.job_name === 'sessions.flag-group-members' && job.payload.groupId === id),
      ).toBe(true);
    });
  });
});
