import { createAccessKey, createTenant, provisionedTenant } from '../support/factories';
import { eventually, startTestApp, TestApp } from '../support/test-app';

describe('access keys', () => {
  let ctx: TestApp;

  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  const scimStatus = async (bearer: string) =>
    (await ctx.http.get('/scim/v2/NoSuchEndpoint').set('authorization', bearer)).status;

  it('shows the secret once and stores only its SHA-256: no column anywhere holds the cleartext', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    expect(key.cleartext).toMatch(/^rsk_[A-Za-z0-9_-]{43}$/);
    const [row] = await ctx.db.query(`SELECT secret_hash, secret_hint FROM access_key WHERE id = $1`, [
      key.id,
    ]);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.secret_hint).toBe(`…${key.cleartext.slice(-4)}`);

    // Every text-like column of every table, searched for the secret (and its secret half).
    const columns: Array<{ table_name: string; column_name: string }> = await ctx.db.query(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character', 'character varying', 'jsonb', 'ARRAY')`,
    );
    const secretPart = key.cleartext.slice(4, 24);
    for (const { table_name, column_name } of columns) {
      const [hit] = await ctx.db.query(
        `SELECT count(*)::int AS n FROM "${table_name}" WHERE "${column_name}"::text LIKE '%' || $1 || '%'`,
        [secretPart],
      );
      expect({ table: table_name, column: column_name, hits: hit.n }).toEqual({
        table: table_name,
        column: column_name,
        hits: 0,
      });
    }

    const listed = await ctx.gql(`query($t: ID!) { accessKeys(tenantId: $t) { id name roles secretHint } }`, {
      t: tenant.id,
    });
    expect(JSON.stringify(listed)).not.toContain(secretPart);
    expect(listed.data.accessKeys).toEqual([
      expect.objectContaining({ id: key.id, roles: ['Tenant Admin'] }),
    ]);
  });

  it('records access_key.created and access_key.revoked audit events', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    await ctx.gql(`mutation($id: ID!) { revokeAccessKey(id: $id) { id } }`, { id: key.id });
    const events = await ctx.db.query(
      `SELECT type, category, target_id FROM audit_event WHERE tenant_id = $1 ORDER BY occurred_at`,
      [tenant.id],
    );
    expect(events).toEqual([
      { type: 'tenant.created', category: 'ManagementEvent', target_id: tenant.id },
      { type: 'access_key.created', category: 'ManagementEvent', target_id: key.id },
      { type: 'access_key.revoked', category: 'ManagementEvent', target_id: key.id },
    ]);
  });

  it('refuses to revoke a key twice, with a code', async () => {
    const { key } = await provisionedTenant(ctx);
    const revoke = () =>
      ctx.gql(`mutation($id: ID!) { revokeAccessKey(id: $id) { id revokedAt } }`, { id: key.id });
    expect((await revoke()).data.revokeAccessKey.revokedAt).toBeTruthy();
    const again = await revoke();
    expect(again.errors?.[0]).toEqual(
      expect.objectContaining({
        message: expect.stringMatching(/already revoked/),
        extensions: { code: 'FAILED_PRECONDITION' },
      }),
    );
  });

  it('rotates with an overlap: both keys work until oldKeyValidUntil, then only the new one', async () => {
    const { key: old } = await provisionedTenant(ctx);
    const validUntil = new Date(Date.now() + 2_000).toISOString();
    const rotated = await ctx.gql(
      `mutation($id: ID!, $until: DateTime!) {
         rotateAccessKey(id: $id, oldKeyValidUntil: $until) { cleartext accessKey { id name roles rotatedFromId } }
       }`,
      { id: old.id, until: validUntil },
    );
    const fresh = rotated.data.rotateAccessKey;
    expect(fresh.accessKey.rotatedFromId).toBe(old.id);
    expect(fresh.accessKey.roles).toEqual(['Tenant Admin']);
    const freshBearer = `Bearer ${ctx.config.PROJECT_ID}:${fresh.cleartext}`;

    expect(await scimStatus(old.bearer)).toBe(404);
    expect(await scimStatus(freshBearer)).toBe(404);
    await eventually(
      async () => (await scimStatus(old.bearer)) === 401,
      6_000,
      'the old key to stop working',
    );
    expect(await scimStatus(freshBearer)).toBe(404);
  });

  it.each([
    ['a past expiresAt', { expiresAt: '2020-01-01T00:00:00Z' }, 'BAD_USER_INPUT', /future/],
    ['an empty name', { name: '   ' }, 'BAD_USER_INPUT', /name must not be empty/],
    ['an empty role', { roles: [''] }, 'BAD_USER_INPUT', /roles/],
  ])('rejects %s with a clear error', async (_, override, code, message) => {
    const tenant = await createTenant(ctx);
    const result = await ctx.gql(
      `mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { cleartext } }`,
      { input: { tenantId: tenant.id, name: 'k', ...override } },
    );
    expect(result.data).toBeFalsy();
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(result.errors?.[0].message).toMatch(message);
    const [count] = await ctx.db.query(`SELECT count(*)::int AS n FROM access_key WHERE tenant_id = $1`, [
      tenant.id,
    ]);
    expect(count.n).toBe(0);
  });

  it('rejects a malformed expiresAt at the GraphQL layer', async () => {
    const tenant = await createTenant(ctx);
    const result = await ctx.gql(
      `mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { cleartext } }`,
      { input: { tenantId: tenant.id, name: 'k', expiresAt: 'next tuesday' } },
    );
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/expiresAt|DateTime/);
  });

  it.each([
    ['a malformed tenant id', 'not-a-uuid', 'BAD_USER_INPUT'],
    ['an unknown tenant', '00000000-0000-4000-8000-000000000000', 'NOT_FOUND'],
  ])('answers %s with %s', async (_, tenantId, code) => {
    const result = await ctx.gql(
      `mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { cleartext } }`,
      { input: { tenantId, name: 'k' } },
    );
    expect(result.errors?.[0].extensions?.code).toBe(code);
  });

  it('answers NOT_FOUND for revoking or rotating an unknown key', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const revoke = await ctx.gql(`mutation($id: ID!) { revokeAccessKey(id: $id) { id } }`, { id });
    expect(revoke.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const rotate = await ctx.gql(
      `mutation($id: ID!, $u: DateTime!) { rotateAccessKey(id: $id, oldKeyValidUntil: $u) { cleartext } }`,
      { id, u: new Date(Date.now() + 60_000).toISOString() },
    );
    expect(rotate.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses to rotate a revoked key', async () => {
    const { key } = await provisionedTenant(ctx);
    await ctx.gql(`mutation($id: ID!) { revokeAccessKey(id: $id) { id } }`, { id: key.id });
    const rotate = await ctx.gql(
      `mutation($id: ID!, $u: DateTime!) { rotateAccessKey(id: $id, oldKeyValidUntil: $u) { cleartext } }`,
      { id: key.id, u: new Date(Date.now() + 60_000).toISOString() },
    );
    expect(rotate.errors?.[0].extensions?.code).toBe('FAILED_PRECONDITION');
  });

  it('keeps keys of one tenant from provisioning another: the key resolves its own tenant', async () => {
    const a = await provisionedTenant(ctx);
    const b = await createTenant(ctx);
    await createAccessKey(ctx, b.id);
    const keys = await ctx.gql(`query($t: ID!) { accessKeys(tenantId: $t) { id } }`, { t: b.id });
    expect(keys.data.accessKeys.map((k: { id: string }) => k.id)).not.toContain(a.key.id);
  });
});
