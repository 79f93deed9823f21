import { createAccessKey, createTenant, provisionedTenant } from '../support/factories';
import { eventually, startTestApp, TestApp } from '../support/test-app';

const TENANT_FIELDS = 'id name jitProvisioning scimEnabled createdAt updatedAt';

describe('tenants', () => {
  let ctx: TestApp;

  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  it('creates a tenant with JIT off and SCIM on by default, and audits it', async () => {
    const result = await ctx.gql(
      `mutation { createTenant(input: { name: "  Acme  " }) { ${TENANT_FIELDS} } }`,
    );
    const tenant = result.data.createTenant;
    expect(tenant).toEqual(
      expect.objectContaining({ name: 'Acme', jitProvisioning: false, scimEnabled: true }),
    );
    const fetched = await ctx.gql(`query($id: ID!) { tenant(id: $id) { ${TENANT_FIELDS} } }`, {
      id: tenant.id,
    });
    expect(fetched.data.tenant).toEqual(tenant);
    const [event] = await ctx.db.query(`SELECT type, category FROM audit_event WHERE tenant_id = $1`, [
      tenant.id,
    ]);
    expect(event).toEqual({ type: 'tenant.created', category: 'ManagementEvent' });
  });

  it('updates only the fields given, and audits the changed names', async () => {
    const tenant = await createTenant(ctx, { name: 'Before' });
    const result = await ctx.gql(
      `mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { name jitProvisioning scimEnabled } }`,
      { input: { id: tenant.id, jitProvisioning: true } },
    );
    expect(result.data.updateTenant).toEqual({ name: 'Before', jitProvisioning: true, scimEnabled: true });
    const [event] = await ctx.db.query(
      `SELECT changed_attributes FROM audit_event WHERE tenant_id = $1 AND type = 'tenant.updated'`,
      [tenant.id],
    );
    expect(event.changed_attributes).toEqual(['jitProvisioning']);
  });

  it('pages through tenants with a cursor, without skipping or repeating', async () => {
    for (let i = 0; i < 5; i++) await createTenant(ctx);
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const page: any = await ctx.gql(
        `query($after: String) { tenants(first: 2, after: $after) { totalCount endCursor hasNextPage nodes { id } } }`,
        { after },
      );
      total = page.data.tenants.totalCount;
      seen.push(...page.data.tenants.nodes.map((node: { id: string }) => node.id));
      after = page.data.tenants.endCursor;
      expect(page.data.tenants.hasNextPage).toBe(after !== null);
    } while (after);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(total);
  });

  it('deletes a tenant with all of its data: keys at once, audit events by the purge job', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    await createAccessKey(ctx, tenant.id, { roles: ['Viewer'] });
    const [before] = await ctx.db.query(`SELECT count(*)::int AS n FROM audit_event WHERE tenant_id = $1`, [
      tenant.id,
    ]);
    expect(before.n).toBeGreaterThan(0);

    const deleted = await ctx.gql(`mutation($id: ID!) { deleteTenant(id: $id) { id name } }`, {
      id: tenant.id,
    });
    expect(deleted.data.deleteTenant.id).toBe(tenant.id);

    const [keys] = await ctx.db.query(`SELECT count(*)::int AS n FROM access_key WHERE tenant_id = $1`, [
      tenant.id,
    ]);
    expect(keys.n).toBe(0);
    expect((await ctx.http.get('/scim/v2/Users').set('authorization', key.bearer)).status).toBe(401);
    const gone = await ctx.gql(`query($id: ID!) { tenant(id: $id) { id } }`, { id: tenant.id });
    expect(gone.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    await eventually(
      async () => {
        const [after] = await ctx.db.query(
          `SELECT count(*)::int AS n FROM audit_event WHERE tenant_id = $1`,
          [tenant.id],
        );
        return after.n === 0;
      },
      10_000,
      'the purge job to remove the audit events',
    );
    const [record] = await ctx.db.query(
      `SELECT tenant_id, category FROM audit_event WHERE type = 'tenant.deleted' AND target_id = $1`,
      [tenant.id],
    );
    expect(record).toEqual({ tenant_id: null, category: 'ManagementEvent' });
  });

  it.each([
    ['an empty name', `mutation { createTenant(input: { name: "" }) { id } }`, 'BAD_USER_INPUT'],
    ['a blank name', `mutation { createTenant(input: { name: "   " }) { id } }`, 'BAD_USER_INPUT'],
    [
      'an unknown field',
      `mutation { createTenant(input: { name: "x", colour: "red" }) { id } }`,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    ['an unknown selection', `query { tenants { nodes { id password } } }`, 'GRAPHQL_VALIDATION_FAILED'],
    ['a malformed id', `query { tenant(id: "42") { id } }`, 'BAD_USER_INPUT'],
    ['an unknown id', `query { tenant(id: "00000000-0000-4000-8000-000000000000") { id } }`, 'NOT_FOUND'],
    [
      'deleting an unknown id',
      `mutation { deleteTenant(id: "00000000-0000-4000-8000-000000000000") { id } }`,
      'NOT_FOUND',
    ],
    [
      'an empty update',
      `mutation { updateTenant(input: { id: "00000000-0000-4000-8000-000000000000" }) { id } }`,
      'BAD_USER_INPUT',
    ],
    ['a page too large', `query { tenants(first: 100000) { totalCount } }`, 'BAD_USER_INPUT'],
    ['a forged cursor', `query { tenants(after: "bm9wZQ") { totalCount } }`, 'BAD_USER_INPUT'],
  ])('answers %s with %s and no stack trace', async (_, query, code) => {
    const result = await ctx.gql(query);
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(JSON.stringify(result)).not.toMatch(/stacktrace|at \S+\.ts:\d+/);
  });
});
