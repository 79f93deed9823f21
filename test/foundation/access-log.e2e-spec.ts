import { provisionedTenant } from '../support/factories';
import { scimClient } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';

describe('access log: one line per request, without the URL', () => {
  let ctx: TestApp;
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];

  beforeAll(async () => {
    ctx = await startTestApp({
      env: { LOG_LEVEL: 'info' },
      logDestination: {
        write(line: string) {
          raw.push(line);
          lines.push(JSON.parse(line) as Record<string, unknown>);
        },
      },
    });
  });
  afterAll(() => ctx.close());

  it('logs a SCIM request once, with route, status, duration, request id, tenant and key, and no filter value', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    const before = raw.length;
    const response = await scim.get(
      '/Users?filter=' + encodeURIComponent('userName eq "hidden.person@example.com"'),
    );
    expect(response.status).toBe(200);
    const requestId = response.headers['x-request-id'];

    const written = lines.slice(before);
    const mine = written.filter((line) => line.reqId === requestId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      level: 30,
      msg: 'request',
      method: 'GET',
      route: '/scim/v2/Users',
      status: 200,
      tenantId: tenant.id,
      keyId: key.id,
    });
    expect(typeof mine[0].ms).toBe('number');
    // The filter (an email) reaches the audit log, never the process log.
    expect(raw.slice(before).join('')).not.toContain('hidden.person');
    expect(raw.join('')).not.toMatch(/incoming request|request completed/);
  });

  it('keeps health probes out of the info log', async () => {
    const before = raw.length;
    expect((await ctx.http.get('/healthz')).status).toBe(200);
    expect(lines.slice(before).filter((line) => line.route === '/healthz')).toEqual([]);
  });

  it('still redacts secrets on every other line of the process logger', () => {
    const before = raw.length;
    const processLogger = ctx.app.getHttpAdapter().getInstance().log;
    processLogger.warn(
      { headers: { authorization: 'Bearer P:secret-key' }, key: { cleartext: 'rk_x' } },
      'x',
    );
    const written = raw.slice(before).join('');
    expect(written).toContain('[redacted]');
    expect(written).not.toMatch(/secret-key|rk_x/);
  });
});
