import { Registry } from 'prom-client';

import { MetricsRegistry } from '../../src/infra/metrics/metrics.registry';
import { AuditBuffer } from '../../src/modules/audit/audit-buffer';
import { AuditRetentionService } from '../../src/modules/audit/audit-retention.service';
import { KeyExpiryMonitor } from '../../src/modules/diagnostics/key-expiry.monitor';
import { createAccessKey, provisionedTenant } from '../support/factories';
import { newUser, scimClient } from '../support/scim-client';
import { eventually, startTestApp, TestApp } from '../support/test-app';

const CONFIG = `query($t: ID!) { scimConfiguration(tenantId: $t) {
  tenantId enabled baseUrl authenticationMode bearerFormat jitProvisioning lastSuccessfulPushAt
  userCount activeUserCount groupCount
  keys { id name status canProvision expiresAt }
  roleMappings { groupDisplayName roles }
} }`;
const HEALTH = `query($t: ID!) { scimHealth(tenantId: $t) {
  scimEnabled lastPushAt requests24h failures24h failureRate24h noPushIn7Days
  lastSuccess { type } lastFailure { type httpStatus reason }
  failuresByReason24h { reason count }
  expiringKeys { id status }
} }`;
const OVERVIEW = `{ scimHealthOverview {
  requests24h failures24h failureRate24h failuresByReason24h { reason count }
  keysExpiringSoon { id tenantId tenantName status }
  tenantsWithoutPushIn7Days { tenantId tenantName lastPushAt }
} }`;

async function metric(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = (found?.values ?? []).find((v) =>
    Object.entries(labels).every(([k, l]) => (v.labels as Record<string, string>)[k] === l),
  );
  return Number(value?.value ?? 0);
}

describe('SCIM configuration, health, key expiry and retention', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  it('scimConfiguration shows what to paste, the keys, JIT, mappings, last push and counts', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const empty = await ctx.gql(CONFIG, { t: tenant.id });
    expect(empty.errors).toBeUndefined();
    expect(empty.data.scimConfiguration).toMatchObject({
      tenantId: tenant.id,
      enabled: true,
      baseUrl: 'https://roster.test/scim/v2',
      authenticationMode: 'oauthbearertoken',
      bearerFormat: 'Ptest:<access key>',
      jitProvisioning: false,
      lastSuccessfulPushAt: null,
      userCount: 0,
      groupCount: 0,
      keys: [{ id: key.id, status: 'ACTIVE', canProvision: true, expiresAt: null }],
    });
    const scim = scimClient(ctx, key.bearer);
    await scim.post('/Users', newUser());
    await scim.get('/Users');
    await scim.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Ops',
    });
    const after = (await ctx.gql(CONFIG, { t: tenant.id })).data.scimConfiguration;
    expect(after).toMatchObject({ userCount: 1, activeUserCount: 1, groupCount: 1 });
    expect(Date.now() - Date.parse(after.lastSuccessfulPushAt)).toBeLessThan(60_000);

    const off = await ctx.gql(
      `mutation($t: ID!) { setScimEnabled(tenantId: $t, enabled: false) { enabled } }`,
      { t: tenant.id },
    );
    expect(off.data.setScimEnabled.enabled).toBe(false);
    await eventually(
      async () => (await scim.get('/Users')).status === 403,
      10_000,
      'SCIM refused once disabled',
    );
    expect(
      (await ctx.gql(`mutation { setScimEnabled(tenantId: "x", enabled: true) { enabled } }`)).errors?.[0]
        ?.extensions?.code,
    ).toBe('BAD_USER_INPUT');
    expect(
      (await ctx.gql(CONFIG, { t: '6f1c2b8e-1c1d-4f3a-9d5e-0a0b0c0d0e0f' })).errors?.[0]?.extensions?.code,
    ).toBe('NOT_FOUND');
  });

  it('scimHealth: last success and failure, 24 h failure rate by reason, expiring keys, quiet tenants', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const quiet = await provisionedTenant(ctx);
    const soon = await createAccessKey(ctx, tenant.id, {
      expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    });
    const scim = scimClient(ctx, key.bearer);
    await scim.post('/Users', newUser());
    await scim.get('/Users');
    expect((await scim.get('/Users?filter=bad')).status).toBe(400);
    await ctx.app.get(AuditBuffer).flush();

    const health = (await ctx.gql(HEALTH, { t: tenant.id })).data.scimHealth;
    expect(health).toMatchObject({
      scimEnabled: true,
      requests24h: 3,
      failures24h: 1,
      lastSuccess: { type: 'scim.users.listed' },
      lastFailure: { type: 'scim.request.failed', httpStatus: 400 },
      failuresByReason24h: [{ reason: 'invalidFilter', count: 1 }],
      expiringKeys: [{ id: soon.id, status: 'EXPIRING_SOON' }],
      noPushIn7Days: false,
    });
    expect(health.failureRate24h).toBeCloseTo(1 / 3);

    const overview = (await ctx.gql(OVERVIEW)).data.scimHealthOverview;
    expect(overview.keysExpiringSoon.map((k: any) => k.id)).toContain(soon.id);
    const quietIds = overview.tenantsWithoutPushIn7Days.map((t: any) => t.tenantId);
    expect(quietIds).toContain(quiet.tenant.id);
    expect(quietIds).not.toContain(tenant.id);
    expect(overview.failuresByReason24h).toEqual(
      expect.arrayContaining([expect.objectContaining({ reason: 'invalidFilter' })]),
    );
  });

  it('a key expiring within 14 days, then expired: one audit event per condition, and a metric', async () => {
    const { tenant } = await provisionedTenant(ctx);
    const expiresAt = new Date(Date.now() + 5 * 86_400_000);
    const key = await createAccessKey(ctx, tenant.id, { name: 'entra', expiresAt: expiresAt.toISOString() });
    const monitor = ctx.app.get(KeyExpiryMonitor);
    await monitor.run();
    await monitor.run(); // a second run (or a second worker) emits nothing new
    await Promise.all([monitor.run(), monitor.run()]);
    await monitor.run(new Date(expiresAt.getTime() + 1_000)); // after expiry
    await monitor.run(new Date(expiresAt.getTime() + 2_000));
    const events = await ctx.db.query(
      `SELECT type, target_id, category FROM audit_event WHERE tenant_id = $1 AND type LIKE 'access_key.expir%' ORDER BY occurred_at`,
      [tenant.id],
    );
    expect(events).toEqual([
      { type: 'access_key.expiring', target_id: key.id, category: 'ManagementEvent' },
      { type: 'access_key.expired', target_id: key.id, category: 'ManagementEvent' },
    ]);
    const registry = ctx.app.get(MetricsRegistry).registry;
    expect(
      await metric(registry, 'roster_access_keys_expiring', { state: 'expired' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await metric(registry, 'roster_access_key_expiry_events_total', { condition: 'expiring' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('retention drops whole monthly partitions past AUDIT_RETENTION_DAYS and creates months ahead', async () => {
    const { tenant } = await provisionedTenant(ctx);
    // A fake old month with an event in it, and one within retention.
    const old = new Date(Date.now() - (ctx.config.AUDIT_RETENTION_DAYS + 70) * 86_400_000);
    const oldMonth = new Date(Date.UTC(old.getUTCFullYear(), old.getUTCMonth(), 1));
    const name = `audit_event_${oldMonth.getUTCFullYear()}${String(oldMonth.getUTCMonth() + 1).padStart(2, '0')}`;
    await ctx.db.query(`SELECT audit_event_ensure_partitions($1::date, 1)`, [
      oldMonth.toISOString().slice(0, 10),
    ]);
    await ctx.db.query(
      `INSERT INTO audit_event (id, occurred_at, tenant_id, category, type, outcome)
       VALUES (gen_random_uuid(), $1, $2, 'SCIMEvent', 'scim.user.created', 'success'),
              (gen_random_uuid(), now() - interval '10 days', $2, 'SCIMEvent', 'scim.user.created', 'success')`,
      [new Date(oldMonth.getTime() + 86_400_000).toISOString(), tenant.id],
    );
    // A stray row for a month 3 months ahead sits in DEFAULT until its partition exists.
    const ahead = new Date();
    ahead.setUTCMonth(ahead.getUTCMonth() + 3, 15);
    await ctx.db.query(
      `INSERT INTO audit_event (id, occurred_at, tenant_id, category, type, outcome)
       VALUES (gen_random_uuid(), $1, $2, 'SCIMEvent', 'scim.user.created', 'success')`,
      [ahead.toISOString(), tenant.id],
    );
    const retention = ctx.app.get(AuditRetentionService);
    const outcome = await eventually(
      async () => {
        const result = await retention.run();
        return result.ran ? result : undefined;
      },
      10_000,
      'the retention lock',
    );
    const partitions: string[] = (
      await ctx.db.query(
        `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_event'::regclass`,
      )
    ).map((row: { relname: string }) => row.relname);
    expect(partitions).not.toContain(name);
    expect(outcome.dropped).toContain(name);
    const aheadName = `audit_event_${ahead.getUTCFullYear()}${String(ahead.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(partitions).toContain(aheadName);
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM audit_event WHERE tenant_id = $1`, [
      tenant.id,
    ]);
    // tenant.created, access_key.created, the recent event and the one moved out of DEFAULT.
    expect(n).toBe(4);
    const [{ inDefault }] = await ctx.db.query(
      `SELECT count(*)::int AS "inDefault" FROM audit_event_default`,
    );
    expect(inDefault).toBe(0);
    // Nothing left to do: a second run drops and creates nothing.
    const again = await retention.run();
    expect(again).toMatchObject({ ran: true, dropped: [], created: [] });
  });
});
