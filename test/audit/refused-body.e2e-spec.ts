import { provisionedTenant } from '../support/factories';
import { scimClient } from '../support/scim-client';
import { eventually, startTestApp, TestApp } from '../support/test-app';

/** Requests Fastify refuses before any guard (bad JSON, too large) still reach their tenant's audit log. */
describe('SCIM requests refused by the body parser', () => {
  let ctx: TestApp;

  beforeAll(async () => {
    ctx = await startTestApp({ env: { SCIM_MAX_PAYLOAD_BYTES: '2048' } });
  });
  afterAll(() => ctx.close());

  const failures = (tenantId: string) =>
    ctx.db.query(
      `SELECT type, outcome, http_status, scim_type, actor_key_id FROM audit_event
        WHERE tenant_id = $1 AND type = 'scim.request.failed' ORDER BY occurred_at`,
      [tenantId],
    );

  it('audits malformed JSON and an oversized body from a live key, once each', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    expect((await scim.post('/Users', '{"schemas": [')).status).toBe(400);
    expect((await scim.post('/Users', JSON.stringify({ userName: 'x'.repeat(4096) }))).status).toBe(413);
    const events = await eventually(
      async () => {
        const rows = await failures(tenant.id);
        return rows.length >= 2 ? rows : undefined;
      },
      5_000,
      'both refusals to be audited',
    );
    expect(events).toEqual([
      {
        type: 'scim.request.failed',
        outcome: 'failure',
        http_status: 400,
        scim_type: 'invalidSyntax',
        actor_key_id: key.id,
      },
      {
        type: 'scim.request.failed',
        outcome: 'failure',
        http_status: 413,
        scim_type: null,
        actor_key_id: key.id,
      },
    ]);
  });

  it('records nothing for a refused body without a valid key (no tenant to attribute it to)', async () => {
    const { tenant } = await provisionedTenant(ctx);
    const stranger = scimClient(ctx, `Bearer ${ctx.config.PROJECT_ID}:rsk_${'z'.repeat(43)}`);
    expect((await stranger.post('/Users', '{oops')).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await failures(tenant.id)).toEqual([]);
  });
});
