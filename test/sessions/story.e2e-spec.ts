import { decodeJwt } from 'jose';

import { provisionedTenant } from '../support/factories';
import { GROUP_SCHEMA, newUser, patchOps, ScimClient, scimClient } from '../support/scim-client';
import { eventually, jobsSettled, startTestApp, TestApp } from '../support/test-app';

/**
 * The seeds' promise, end to end: groups pushed by the IdP become roles, changes reach the
 * session at its next refresh, and a deactivated user loses access.
 */
describe('the seeds story: IdP groups become roles in sessions', () => {
  let ctx: TestApp;
  let scim: ScimClient;
  let tenantId: string;

  beforeAll(async () => {
    ctx = await startTestApp();
    const { tenant, key } = await provisionedTenant(ctx);
    tenantId = tenant.id;
    scim = scimClient(ctx, key.bearer);
    await ctx.gql(
      `mutation { createRole(input: { name: "securityadmin", description: "Security admins" }) { id } }`,
    );
  });
  afterAll(() => ctx.close());

  const validate = (sessionJwt: string) => ctx.http.post('/v1/auth/validate').send({ sessionJwt });
  const refresh = (refreshJwt: string) => ctx.http.post('/v1/auth/refresh').send({ refreshJwt });
  const rolesIn = (sessionJwt: string) =>
    (decodeJwt(sessionJwt).tenants as Record<string, { roles: string[] }>)[tenantId].roles;

  it('walks push, map, sign in, remove from group, refresh, deactivate', async () => {
    // 1. The IdP pushes a user and a "security" group with the user in it.
    const user = (await scim.post('/Users', newUser())).body;
    const group = await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'security',
      members: [{ value: user.id }],
    });
    expect(group.status).toBe(201);

    // 2. The group is mapped to securityadmin.
    const mapping = await ctx.gql(
      `mutation($input: SetRoleMappingInput!) { setRoleMapping(input: $input) { groupDisplayName roles groupId memberCount } }`,
      { input: { tenantId, groupDisplayName: 'Security', roles: ['securityadmin'] } },
    );
    expect(mapping.data.setRoleMapping).toEqual({
      groupDisplayName: 'Security',
      roles: ['securityadmin'],
      groupId: group.body.id,
      memberCount: 1,
    });

    await jobsSettled(ctx); // the mapping's own flag lands before the sign-in below

    // 3. The session carries the role.
    const signIn = await ctx.gql(
      `mutation($input: CreateSessionInput!) { createSession(input: $input) { sessionJwt refreshJwt } }`,
      { input: { tenantId, loginId: user.userName.toUpperCase() } },
    );
    const first = signIn.data.createSession;
    expect(rolesIn(first.sessionJwt)).toEqual(['securityadmin']);
    expect(decodeJwt(first.sessionJwt)).toEqual(
      expect.objectContaining({ sub: user.id, loginId: user.userName, email: user.emails[0].value }),
    );
    expect((await validate(first.sessionJwt)).body).toEqual(
      expect.objectContaining({ valid: true, refreshRequired: false }),
    );

    // 4. The IdP removes the user from the group.
    const removed = await scim.patch(
      `/Groups/${group.body.id}`,
      patchOps({ op: 'remove', path: `members[value eq "${user.id}"]` }),
    );
    expect(removed.status).toBe(204);

    // 5. validate says refreshRequired (once the worker has flagged the session).
    await eventually(
      async () => (await validate(first.sessionJwt)).body.refreshRequired === true,
      10_000,
      'the flag',
    );

    // 6. Refresh drops the role.
    const second = await refresh(first.refreshJwt);
    expect(second.status).toBe(200);
    expect(rolesIn(second.body.sessionJwt)).toEqual([]);
    expect((await validate(second.body.sessionJwt)).body.refreshRequired).toBe(false);

    // 7. The IdP deactivates the user (Okta's way).
    const deactivated = await scim.patch(
      `/Users/${user.id}`,
      patchOps({ op: 'replace', value: { active: false } }),
    );
    expect(deactivated.status).toBe(200);

    // 8. Refresh answers 401, and the session is revoked by the worker.
    const third = await refresh(second.body.refreshJwt);
    expect(third.status).toBe(401);
    expect(third.body.reason).toMatch(/user_deactivated|session_revoked/);
    await eventually(
      async () => (await validate(second.body.sessionJwt)).status === 401,
      10_000,
      'revocation',
    );
  });
});
