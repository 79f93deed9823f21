import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { provisionedTenant } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const run = promisify(execFile);

describe('operations', () => {
  let ctx: TestApp;

  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  it('GET /healthz says the process lives', async () => {
    const response = await ctx.http.get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz checks PostgreSQL and Redis', async () => {
    const response = await ctx.http.get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('echoes or assigns a request id on every response', async () => {
    expect((await ctx.http.get('/healthz').set('x-request-id', 'lb-1234')).headers['x-request-id']).toBe(
      'lb-1234',
    );
    expect((await ctx.http.get('/healthz')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      (await ctx.http.get('/healthz').set('x-request-id', 'bad id\twith junk')).headers['x-request-id'],
    ).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exposes Prometheus metrics: requests by route and status, and queue depth', async () => {
    const { key } = await provisionedTenant(ctx);
    await ctx.http.get('/scim/v2/Nothing').set('authorization', key.bearer);
    const response = await ctx.http.get('/metrics');
    expect(response.status).toBe(200);
    expect(response.text).toMatch(
      /roster_http_request_duration_seconds_count\{method="GET",route="\/scim\/v2\/\*",status="404"\} \d+/,
    );
    expect(response.text).toMatch(/roster_queue_jobs\{state="waiting"\} \d+/);
    expect(response.text).toMatch(/roster_outbox_pending \d+/);
  });

  it('answers unknown non-SCIM routes with a plain 404 and no stack', async () => {
    const response = await ctx.http.get('/nope');
    expect(response.status).toBe(404);
    expect(JSON.stringify(response.body)).not.toMatch(/\.ts:\d+/);
  });

  it('stops start-up with one line naming a missing or malformed variable', async () => {
    const main = join(__dirname, '..', '..', 'src', 'main.ts');
    const env = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: 'mysql://nope',
      REDIS_URL: 'redis://127.0.0.1:1',
    };
    const failure = await run(process.execPath, ['-r', 'ts-node/register/transpile-only', main], {
      env,
    }).catch((error: { code: number; stderr: string }) => error);
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr.trim()).toBe(
      'Invalid configuration: DATABASE_URL must start with postgres:// or postgresql://',
    );
  }, 30_000);
});
