import { decodeJwt } from 'jose';

import { createTenant, provisionedTenant } from '../support/factories';
import { GROUP_SCHEMA, newUser, ScimClient, scimClient } from '../support/scim-client';
import { eventually, startTestApp, TestApp } from '../support/test-app';

const SET = `mutation($input: SetRoleMappingInput!) { setRoleMapping(input: $input) { id groupDisplayName roles groupId memberCount } }`;

describe('role catalogue and group-to-role mappings', () => {
  let ctx: TestApp;
  let scim: ScimClient;
  let tenantId: string;

  beforeAll(async () => {
    ctx = await startTestApp();
    const { tenant, key } = await provisionedTenant(ctx);
    tenantId = tenant.id;
    scim = scimClient(ctx, key.bearer);
    for (const name of ['viewer', 'editor', 'billing']) {
      await ctx.gql(`mutation($n: String!) { createRole(input: { name: $n }) { id } }`, { n: name });
    }
  });
  afterAll(() => ctx.close());

  const setMapping = (groupDisplayName: string, roles: string[], tenant = tenantId) =>
    ctx.gql(SET, { input: { tenantId: tenant, groupDisplayName, roles } });
  const pushUser = async () => (await scim.post('/Users', newUser())).body;
  const pushGroup = async (displayName: string, memberIds: string[]) =>
    (
      await scim.post('/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName,
        members: memberIds.map((value) => ({ value })),
      })
    ).body;
  const rolesOf = async (loginId: string) => {
    const result = await ctx.gql(
      `mutation($i: CreateSessionInput!) { createSession(input: $i) { sessionJwt } }`,
      {
        i: { tenantId, loginId },
      },
    );
    return (decodeJwt(result.data.createSession.sessionJwt).tenants as Record<string, { roles: string[] }>)[
      tenantId
    ].roles;
  };

  it('manages the role catalogue with clear errors', async () => {
    const created = await ctx.gql(
      `mutation { createRole(input: { name: "auditor", description: "Reads logs" }) { id name description } }`,
    );
    expect(created.data.createRole).toEqual(
      expect.objectContaining({ name: 'auditor', description: 'Reads logs' }),
    );
    const duplicate = await ctx.gql(`mutation { createRole(input: { name: "AUDITOR" }) { id } }`);
    expect(duplicate.errors?.[0].extensions?.code).toBe('CONFLICT');
    const updated = await ctx.gql(
      `mutation($id: ID!) { updateRole(input: { id: $id, description: "Reads audit logs" }) { description } }`,
      {
        id: created.data.createRole.id,
      },
    );
    expect(updated.data.updateRole.description).toBe('Reads audit logs');
    const list = await ctx.gql(`{ roles { name } }`);
    expect(list.data.roles.map((role: { name: string }) => role.name)).toEqual(
      expect.arrayContaining(['auditor', 'viewer']),
    );
    const deleted = await ctx.gql(`mutation($id: ID!) { deleteRole(id: $id) { name } }`, {
      id: created.data.createRole.id,
    });
    expect(deleted.data.deleteRole.name).toBe('auditor');
    expect(
      (await ctx.gql(`mutation { createRole(input: { name: " " }) { id } }`)).errors?.[0].extensions?.code,
    ).toBe('BAD_USER_INPUT');
  });

  it('refuses an unknown role with a GraphQL error naming it', async () => {
    const result = await setMapping('anything', ['viewer', 'galactic-emperor']);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/unknown role: galactic-emperor/);
    expect(
      (await ctx.gql(`query($t: ID!) { roleMappings(tenantId: $t) { id } }`, { t: tenantId })).data
        .roleMappings,
    ).toEqual([]);
  });

  it('allows a mapping to a group not pushed yet; it applies once the IdP pushes it (by name, any case)', async () => {
    const early = await setMapping('Future Team', ['viewer']);
    expect(early.data.setRoleMapping).toEqual(
      expect.objectContaining({ groupId: null, memberCount: 0, roles: ['viewer'] }),
    );
    const user = await pushUser();
    const group = await pushGroup('FUTURE TEAM', [user.id]);
    const mappings = await ctx.gql(
      `query($t: ID!) { roleMappings(tenantId: $t) { groupDisplayName groupId memberCount } }`,
      {
        t: tenantId,
      },
    );
    expect(mappings.data.roleMappings).toEqual(
      expect.arrayContaining([{ groupDisplayName: 'Future Team', groupId: group.id, memberCount: 1 }]),
    );
    expect(await rolesOf(user.userName)).toEqual(['viewer']);
  });

  it("gives a user the union of their groups' roles", async () => {
    const user = await pushUser();
    await pushGroup('writers', [user.id]);
    await pushGroup('finance', [user.id]);
    await setMapping('writers', ['viewer', 'editor']);
    await setMapping('finance', ['billing', 'viewer']);
    expect(await rolesOf(user.userName)).toEqual(['billing', 'editor', 'viewer']);
  });

  it('previews who gains and loses what, and changes nothing', async () => {
    const alice = await pushUser();
    const bob = await pushUser();
    await pushGroup('ops', [alice.id, bob.id]);
    await pushGroup('ops-billing', [bob.id]);
    await setMapping('ops', ['viewer']);
    await setMapping('ops-billing', ['billing']);
    const preview = await ctx.gql(
      `query($t: ID!) { previewRoleMapping(tenantId: $t, groupDisplayName: "OPS", roles: ["editor", "billing"]) {
         affectedUsers truncated changes { userId loginId gained lost } } }`,
      { t: tenantId },
    );
    const changes = preview.data.previewRoleMapping.changes;
    expect(preview.data.previewRoleMapping.affectedUsers).toBe(2);
    expect(changes).toEqual(
      expect.arrayContaining([
        { userId: alice.id, loginId: alice.userName, gained: ['billing', 'editor'], lost: ['viewer'] },
        // bob already has billing from ops-billing
        { userId: bob.id, loginId: bob.userName, gained: ['editor'], lost: ['viewer'] },
      ]),
    );
    expect(await rolesOf(alice.userName)).toEqual(['viewer']);
  });

  it('flags the sessions of the group members when a mapping changes, and refresh carries the new roles', async () => {
    const user = await pushUser();
    await pushGroup('support', [user.id]);
    await setMapping('support', ['viewer']);
    const tokens = (
      await ctx.gql(
        `mutation($i: CreateSessionInput!) { createSession(input: $i) { sessionJwt refreshJwt } }`,
        {
          i: { tenantId, loginId: user.userName },
        },
      )
    ).data.createSession;
    await setMapping('support', ['viewer', 'editor']);
    await eventually(
      async () =>
        (await ctx.http.post('/v1/auth/validate').send({ sessionJwt: tokens.sessionJwt })).body
          .refreshRequired === true,
      10_000,
      'the mapping change to flag the session',
    );
    const refreshed = await ctx.http.post('/v1/auth/refresh').send({ refreshJwt: tokens.refreshJwt });
    expect(
      (decodeJwt(refreshed.body.sessionJwt).tenants as Record<string, { roles: string[] }>)[tenantId].roles,
    ).toEqual(['editor', 'viewer']);

    const removed = await ctx.gql(
      `mutation($t: ID!) { deleteRoleMapping(tenantId: $t, groupDisplayName: "SUPPORT") { roles } }`,
      {
        t: tenantId,
      },
    );
    expect(removed.data.deleteRoleMapping.roles).toEqual(['editor', 'viewer']);
    expect(await rolesOf(user.userName)).toEqual([]);
  });

  it('follows a rename of the group by the IdP', async () => {
    const user = await pushUser();
    const group = await pushGroup('platform', [user.id]);
    await setMapping('platform', ['editor']);
    const renamed = await scim.patch(`/Groups/${group.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Platform Engineering' }],
    });
    expect(renamed.status).toBe(204);
    const mappings = await ctx.gql(
      `query($t: ID!) { roleMappings(tenantId: $t) { groupDisplayName roles groupId } }`,
      {
        t: tenantId,
      },
    );
    expect(mappings.data.roleMappings).toEqual(
      expect.arrayContaining([
        { groupDisplayName: 'Platform Engineering', roles: ['editor'], groupId: group.id },
      ]),
    );
    expect(
      mappings.data.roleMappings.map((m: { groupDisplayName: string }) => m.groupDisplayName),
    ).not.toContain('platform');
    expect(await rolesOf(user.userName)).toEqual(['editor']);
  });

  it('keeps mappings per tenant', async () => {
    const other = await createTenant(ctx);
    await setMapping('shared-name', ['viewer'], other.id);
    const user = await pushUser();
    await pushGroup('shared-name', [user.id]);
    expect(await rolesOf(user.userName)).toEqual([]);
  });

  it('answers unknown tenants and mappings with NOT_FOUND', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await setMapping('x', ['viewer'], unknown)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const missing = await ctx.gql(
      `mutation($t: ID!) { deleteRoleMapping(tenantId: $t, groupDisplayName: "nope") { id } }`,
      { t: tenantId },
    );
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
