import { AuditBuffer } from '../../src/modules/audit/audit-buffer';
import { createAccessKey, provisionedTenant } from '../support/factories';
import { GROUP_SCHEMA, newUser, patchOps, scimClient } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import { DIAGNOSE } from './helpers';

describe('diagnoseUser: verdicts built from real SCIM traffic', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  let roleCounter = 0;
  async function mapGroup(tenantId: string, groupDisplayName: string): Promise<string> {
    const role = `role-${Date.now().toString(36)}-${++roleCounter}`;
    const created = await ctx.gql(`mutation($n: String!) { createRole(input: { name: $n }) { id } }`, {
      n: role,
    });
    expect(created.errors).toBeUndefined();
    const mapped = await ctx.gql(
      `mutation($input: SetRoleMappingInput!) { setRoleMapping(input: $input) { id } }`,
      { input: { tenantId, groupDisplayName, roles: [role] } },
    );
    expect(mapped.errors).toBeUndefined();
    return role;
  }
  const diagnose = async (tenantId: string, loginId: string) => {
    const result = await ctx.gql(DIAGNOSE, { tenantId, loginId });
    expect(result.errors).toBeUndefined();
    return result.data.diagnoseUser;
  };

  it('CAN_LOG_IN: pushed, active, in a mapped group; the evidence names the first push and its key', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    const role = await mapGroup(tenant.id, 'Engineering');
    const id = (await scim.post('/Users', newUser({ userName: 'ok@corp.example' }))).body.id;
    await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Engineering',
      members: [{ value: id }],
    });
    const d = await diagnose(tenant.id, 'OK@corp.example');
    expect(d).toMatchObject({
      verdict: 'CAN_LOG_IN',
      roles: [role],
      unmappedGroups: [],
      user: { id, userName: 'ok@corp.example', active: true },
      groups: [{ displayName: 'Engineering', mapped: true, roles: [role] }],
      firstPush: { type: 'scim.user.created', actorKeyId: key.id },
      jitProvisioning: false,
      scimEnabled: true,
    });
  });

  it('NEVER_PROVISIONED: no record and no event; the steps say assign a group, wait or provision on demand, mapping is not provisioning', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    await mapGroup(tenant.id, 'Security');
    await scimClient(ctx, key.bearer).post('/Users', newUser({ userName: 'someone.else@corp.example' }));
    const d = await diagnose(tenant.id, 'new.hire@corp.example');
    expect(d.verdict).toBe('NEVER_PROVISIONED');
    expect(d.user).toBeNull();
    expect(d.events).toEqual([]);
    const steps = d.nextSteps.join('\n');
    expect(steps).toMatch(/group assigned to the application/);
    expect(steps).toMatch(/Provision on Demand/);
    expect(steps).toMatch(/does not provision/);
  });

  it('NEVER_PROVISIONED but the IdP asked for the user: the lookup by filter is in the evidence', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    await scimClient(ctx, key.bearer).get(
      '/Users?filter=' + encodeURIComponent('userName eq "asked@corp.example"'),
    );
    await ctx.app.get(AuditBuffer).flush(); // reads are written off the request path, within 100 ms
    const d = await diagnose(tenant.id, 'asked@corp.example');
    expect(d.verdict).toBe('NEVER_PROVISIONED');
    expect(d.events.map((e: any) => e.type)).toEqual(['scim.users.listed']);
  });

  it('DEACTIVATED: names when and by which key', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    const id = (await scim.post('/Users', newUser({ userName: 'gone@corp.example' }))).body.id;
    await scim.patch(`/Users/${id}`, patchOps({ op: 'replace', path: 'active', value: false }));
    const d = await diagnose(tenant.id, 'gone@corp.example');
    expect(d).toMatchObject({
      verdict: 'DEACTIVATED',
      user: { active: false },
      deactivation: { type: 'scim.user.deactivated', actorKeyId: key.id },
      lastChange: { type: 'scim.user.deactivated' },
    });
    expect(d.summary).toContain(key.id === d.deactivation.actorKeyId ? d.deactivation.actorName : '');
    expect(d.nextSteps.join(' ')).toMatch(/only changes their roles/);
  });

  it('DELETED: the user is gone but the audit log remembers', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    const id = (await scim.post('/Users', newUser({ userName: 'deleted@corp.example' }))).body.id;
    expect((await scim.delete(`/Users/${id}`)).status).toBe(204);
    const d = await diagnose(tenant.id, 'deleted@corp.example');
    expect(d).toMatchObject({
      verdict: 'DELETED',
      user: null,
      deletion: { type: 'scim.user.deleted', actorKeyId: key.id },
    });
  });

  it('NO_ROLES with no groups, and NO_ROLES with an unmapped group', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    await mapGroup(tenant.id, 'Mapped');
    await scim.post('/Users', newUser({ userName: 'lonely@corp.example' }));
    const lonely = await diagnose(tenant.id, 'lonely@corp.example');
    expect(lonely).toMatchObject({ verdict: 'NO_ROLES', groups: [], roles: [] });
    expect(lonely.nextSteps[0]).toMatch(/in no group/);

    const id = (await scim.post('/Users', newUser({ userName: 'unmapped@corp.example' }))).body.id;
    await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Marketing',
      members: [{ value: id }],
    });
    const unmapped = await diagnose(tenant.id, 'unmapped@corp.example');
    expect(unmapped).toMatchObject({
      verdict: 'NO_ROLES',
      unmappedGroups: ['Marketing'],
      groups: [{ displayName: 'Marketing', mapped: false, roles: [] }],
    });
    expect(unmapped.nextSteps[0]).toMatch(/"Marketing"/);
  });

  it('KEY_EXPIRED_PROVISIONING_STOPPED: the only key expired, the IdP is refused; recent auth failures are evidence', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const expiring = await createAccessKey(ctx, tenant.id, {
      name: 'okta-key',
      expiresAt: new Date(Date.now() + 1_500).toISOString(),
    });
    await ctx.gql(`mutation($id: ID!) { revokeAccessKey(id: $id) { id } }`, { id: key.id });
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const refused = await scimClient(ctx, expiring.bearer).post(
      '/Users',
      newUser({ userName: 'late@corp.example' }),
    );
    expect(refused.status).toBe(401);
    const d = await diagnose(tenant.id, 'late@corp.example');
    expect(d.verdict).toBe('KEY_EXPIRED_PROVISIONING_STOPPED');
    expect(d.recentAuthFailures).toEqual([
      { type: 'scim.auth.failed', reason: 'expired_key', actorKeyId: expiring.id },
    ]);
    expect(d.keys.map((k: any) => [k.name, k.status, k.canProvision])).toEqual(
      expect.arrayContaining([['okta-key', 'EXPIRED', false]]),
    );
    expect(d.summary).toContain('okta-key');
    expect(d.nextSteps[0]).toMatch(/createAccessKey/);
  });

  it('SCIM_DISABLED, PUSH_REJECTED and WILL_BE_CREATED_BY_JIT', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    await scim.post('/Users', newUser({ userName: 'taken@corp.example' }));
    const clash = await scim.post(
      '/Users',
      newUser({
        userName: 'clash@corp.example',
        externalId: 'x',
        emails: [{ value: 'x@corp.example' }],
        name: 'not an object',
      }),
    );
    expect(clash.status).toBe(400);
    const rejected = await diagnose(tenant.id, 'clash@corp.example');
    expect(rejected.verdict).toBe('PUSH_REJECTED');
    expect(rejected.events[0]).toMatchObject({ outcome: 'failure', httpStatus: 400 });

    const disabled = await ctx.gql(
      `mutation($t: ID!) { setScimEnabled(tenantId: $t, enabled: false) { enabled } }`,
      { t: tenant.id },
    );
    expect(disabled.data.setScimEnabled.enabled).toBe(false);
    expect((await diagnose(tenant.id, 'nobody@corp.example')).verdict).toBe('SCIM_DISABLED');

    const jit = await ctx.gql(
      `mutation($t: ID!) { setJitProvisioning(tenantId: $t, enabled: true) { jitProvisioning } }`,
      { t: tenant.id },
    );
    expect(jit.data.setJitProvisioning.jitProvisioning).toBe(true);
    expect((await diagnose(tenant.id, 'nobody@corp.example')).verdict).toBe('WILL_BE_CREATED_BY_JIT');
  });

  it('bad input: unknown tenant, malformed tenant id, empty or overlong loginId', async () => {
    const { tenant } = await provisionedTenant(ctx);
    const code = async (tenantId: string, loginId: string) =>
      (await ctx.gql(DIAGNOSE, { tenantId, loginId })).errors?.[0]?.extensions?.code;
    expect(await code('6f1c2b8e-1c1d-4f3a-9d5e-0a0b0c0d0e0f', 'a@b.c')).toBe('NOT_FOUND');
    expect(await code('nope', 'a@b.c')).toBe('BAD_USER_INPUT');
    expect(await code(tenant.id, '  ')).toBe('BAD_USER_INPUT');
    expect(await code(tenant.id, 'x'.repeat(400))).toBe('BAD_USER_INPUT');
  });
});
