import { startTestApp, TestApp } from '../support/test-app';
import { auditEvents, createGroup, createUser, memberIds, patch, tenant } from './support/helpers';
import { IdpFixture, loadFixture, replay } from './support/replay';

/** OneLogin, Google Workspace and JumpCloud (issue 4, "Others"), and the replayer itself. */
describe('Other IdPs', () => {
  let ctx: TestApp;

  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  it('OneLogin: lower-case ops on users and groups', async () => {
    const { scim } = await tenant(ctx);
    const id = await createUser(scim, { nickName: 'Kim' });
    const response = await scim.patch(
      `/Users/${id}`,
      patch(
        { op: 'replace', path: 'title', value: 'Analyst' },
        { op: 'add', path: 'phoneNumbers', value: [{ value: '+1 555 0100', type: 'work' }] },
        { op: 'remove', path: 'nickName' },
      ),
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      title: 'Analyst',
      phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
    });
    expect(response.body.nickName).toBeUndefined();
    const group = await createGroup(scim, 'OneLogin');
    expect(
      (await scim.patch(`/Groups/${group}`, patch({ op: 'add', path: 'members', value: [{ value: id }] })))
        .status,
    ).toBe(204);
    expect(await memberIds(scim, group)).toEqual([id]);
    expect(
      (await scim.patch(`/Groups/${group}`, patch({ op: 'remove', path: `members[value eq "${id}"]` })))
        .status,
    ).toBe(204);
    expect(await memberIds(scim, group)).toEqual([]);
    await expect(
      replay(ctx, loadFixture('onelogin-lowercase-ops.json'), (await tenant(ctx)).bearer),
    ).resolves.toBeDefined();
  });

  it('Google Workspace: suspend, other changes, then delete days later without If-Match', async () => {
    const { scim, tenantId } = await tenant(ctx);
    const id = await createUser(scim, { userName: 'ana@workspace.example' });
    const group = await createGroup(scim, 'All staff', [id]);
    const suspended = await scim.patch(
      `/Users/${id}`,
      patch({ op: 'replace', path: 'active', value: false }),
    );
    expect(suspended.status).toBe(200);
    const etagAtSuspend = suspended.headers.etag;
    // Days pass: the profile changes while suspended, so the version the suspend saw is stale.
    expect(
      (await scim.patch(`/Users/${id}`, patch({ op: 'replace', path: 'title', value: 'Former' }))).status,
    ).toBe(200);
    expect((await scim.get(`/Users/${id}`)).body).toMatchObject({ active: false, title: 'Former' });
    expect(await memberIds(scim, group)).toEqual([id]);
    // A delete that carries the stale version is refused (412); Google's carries none and goes through.
    expect((await scim.delete(`/Users/${id}`, { 'if-match': etagAtSuspend })).status).toBe(412);
    expect((await scim.delete(`/Users/${id}`)).status).toBe(204);
    expect((await scim.get(`/Users/${id}`)).status).toBe(404);
    expect(await memberIds(scim, group)).toEqual([]);
    const again = await scim.delete(`/Users/${id}`);
    expect(again.status).toBe(404);
    expect(again.body.status).toBe('404');
    expect((await auditEvents(ctx, tenantId, 'scim.user.')).map((e) => e.type)).toEqual([
      'scim.user.created',
      'scim.user.deactivated',
      'scim.user.updated',
      'scim.user.deleted',
    ]);
    await expect(
      replay(ctx, loadFixture('google-suspend-then-delete.json'), (await tenant(ctx)).bearer),
    ).resolves.toBeDefined();
  });

  it('JumpCloud: repeated adds of the same member, in one request and across requests', async () => {
    const { scim, tenantId } = await tenant(ctx);
    const [a, b] = [await createUser(scim), await createUser(scim)];
    const group = await createGroup(scim, 'JC', [a]);
    const add = (...ids: string[]) =>
      scim.patch(
        `/Groups/${group}`,
        patch({ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }),
      );
    expect((await add(a, a, b, b)).status).toBe(204);
    expect((await add(a)).status).toBe(204);
    expect((await add(b, a)).status).toBe(204);
    expect(await memberIds(scim, group)).toEqual([a, b].sort());
    const events = await auditEvents(ctx, tenantId, 'scim.group.');
    // Idempotent: one membership and one members_added; each repeat leaves its "unchanged" event.
    expect(events.map((e) => e.type)).toEqual([
      'scim.group.created',
      'scim.group.members_added',
      'scim.group.unchanged',
      'scim.group.unchanged',
    ]);
    expect(events[1].details).toMatchObject({ membersAdded: 1, addedMemberIds: [b] });
    await expect(
      replay(ctx, loadFixture('jumpcloud-repeated-adds.json'), (await tenant(ctx)).bearer),
    ).resolves.toBeDefined();
  });

  describe('the replayer', () => {
    const fixture = (expectStatus: number, json?: Record<string, unknown>): IdpFixture => ({
      name: 'self-test',
      idp: 'none',
      source: 'https://example.com',
      steps: [
        {
          name: 'list',
          request: { method: 'GET', path: '/Users?filter=userName eq "x"', headers: { 'user-agent': null } },
          expect: { status: expectStatus, ...(json && { json }) },
        },
      ],
    });

    it('passes when the answer matches', async () => {
      const { bearer } = await tenant(ctx);
      await expect(
        replay(ctx, fixture(200, { totalResults: 0, 'Resources.length': 0 }), bearer),
      ).resolves.toBeDefined();
    });

    it('fails on a wrong status, a wrong value or a missing variable', async () => {
      const { bearer } = await tenant(ctx);
      await expect(replay(ctx, fixture(201), bearer)).rejects.toThrow(/status: expected 201, got 200/);
      await expect(replay(ctx, fixture(200, { totalResults: 1 }), bearer)).rejects.toThrow(
        /totalResults: expected 1, got 0/,
      );
      await expect(
        replay(ctx, fixture(200, { Resources: { $contains: { id: 'x' } } }), bearer),
      ).rejects.toThrow(/element like/);
      const missing = fixture(200);
      missing.steps[0].request.path = '/Users/{{nope}}';
      await expect(replay(ctx, missing, bearer)).rejects.toThrow(/no value for \{\{nope\}\}/);
    });
  });
});
