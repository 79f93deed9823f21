import { createAccessKey, provisionedTenant } from '../support/factories';
import { eventually, startTestApp, TestApp } from '../support/test-app';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('SCIM bearer guard', () => {
  let ctx: TestApp;

  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  const scimGet = (authorization?: string) => {
    const call = ctx.http.get('/scim/v2/NoSuchEndpoint');
    return authorization === undefined ? call : call.set('authorization', authorization);
  };

  function expectScimError(
    response: { status: number; headers: Record<string, string>; body: any },
    status: number,
  ) {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(response.body).toEqual(
      expect.objectContaining({
        schemas: [ERROR_SCHEMA],
        status: String(status),
        detail: expect.any(String),
      }),
    );
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+/);
  }

  async function authFailures(tenantId: string) {
    return ctx.db.query(
      `SELECT reason, http_status, category, actor_key_id FROM audit_event
        WHERE tenant_id = $1 AND type = 'scim.auth.failed' ORDER BY occurred_at`,
      [tenantId],
    );
  }

  it('lets a live Tenant Admin key through (an unknown endpoint then answers a SCIM 404)', async () => {
    const { key } = await provisionedTenant(ctx);
    expectScimError(await scimGet(key.bearer), 404);
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['a Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['a bearer without a project', 'Bearer rsk_abcdef'],
    ['a bearer with an empty secret', 'Bearer Ptest:'],
  ])('answers 401 for %s', async (_, header) => {
    expectScimError(await scimGet(header), 401);
  });

  it('answers 401 for a key of this deployment presented with the wrong project ID', async () => {
    const { key } = await provisionedTenant(ctx);
    expectScimError(await scimGet(`Bearer Pother:${key.cleartext}`), 401);
  });

  it('answers 401 for an unknown key', async () => {
    expectScimError(await scimGet(`Bearer ${ctx.config.PROJECT_ID}:rsk_${'x'.repeat(43)}`), 401);
  });

  it('answers 401 the moment a key is revoked, and audits it for the tenant', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    expectScimError(await scimGet(key.bearer), 404); // now cached
    const revoked = await ctx.gql(`mutation($id: ID!) { revokeAccessKey(id: $id) { id revokedAt } }`, {
      id: key.id,
    });
    expect(revoked.data.revokeAccessKey.revokedAt).toBeTruthy();
    const response = await scimGet(key.bearer);
    expectScimError(response, 401);
    expect(response.body.detail).toMatch(/revoked/);
    expect(await authFailures(tenant.id)).toEqual([
      { reason: 'revoked_key', http_status: 401, category: 'SCIMEvent', actor_key_id: key.id },
    ]);
  });

  it('answers 401 once a key expires, even while it is cached', async () => {
    const { tenant } = await provisionedTenant(ctx);
    const key = await createAccessKey(ctx, tenant.id, {
      expiresAt: new Date(Date.now() + 1_500).toISOString(),
    });
    expectScimError(await scimGet(key.bearer), 404);
    await eventually(async () => (await scimGet(key.bearer)).status === 401, 5_000, 'the key to expire');
    const response = await scimGet(key.bearer);
    expectScimError(response, 401);
    expect(response.body.detail).toMatch(/expired/);
    expect((await authFailures(tenant.id)).map((row: { reason: string }) => row.reason)).toContain(
      'expired_key',
    );
  });

  it('answers 403 for a key without the Tenant Admin role', async () => {
    const { tenant } = await provisionedTenant(ctx);
    const key = await createAccessKey(ctx, tenant.id, { roles: ['Viewer'] });
    const response = await scimGet(key.bearer);
    expectScimError(response, 403);
    expect(response.body.detail).toMatch(/Tenant Admin/);
    expect(await authFailures(tenant.id)).toEqual([
      { reason: 'missing_role', http_status: 403, category: 'SCIMEvent', actor_key_id: key.id },
    ]);
  });

  it('answers 403 at once when SCIM is disabled for the tenant, and 404 again when re-enabled', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    expectScimError(await scimGet(key.bearer), 404);
    const setEnabled = (scimEnabled: boolean) =>
      ctx.gql(`mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { scimEnabled } }`, {
        input: { id: tenant.id, scimEnabled },
      });
    expect((await setEnabled(false)).data.updateTenant.scimEnabled).toBe(false);
    expectScimError(await scimGet(key.bearer), 403);
    await setEnabled(true);
    expectScimError(await scimGet(key.bearer), 404);
    expect((await authFailures(tenant.id)).map((row: { reason: string }) => row.reason)).toEqual([
      'scim_disabled',
    ]);
  });

  it('records when a key was last used', async () => {
    const { key } = await provisionedTenant(ctx);
    await scimGet(key.bearer);
    await eventually(async () => {
      const [row] = await ctx.db.query(`SELECT last_used_at FROM access_key WHERE id = $1`, [key.id]);
      return row.last_used_at !== null;
    });
  });
});
