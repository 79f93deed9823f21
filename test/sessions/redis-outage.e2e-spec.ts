import { ChildProcess, spawn } from 'node:child_process';

import Redis from 'ioredis';

import { provisionedTenant } from '../support/factories';
import { GROUP_SCHEMA, newUser, patchOps, scimClient } from '../support/scim-client';
import { eventually, jobsSettled, startTestApp, TestApp } from '../support/test-app';

/** A Redis of this test's own, so it can be stopped and started without disturbing others. */
class DisposableRedis {
  private process?: ChildProcess;
  readonly port = 6400 + (process.pid % 1000);
  readonly url = `redis://127.0.0.1:${this.port}`;

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    const probe = new Redis(this.port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    await eventually(
      async () => {
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          probe.disconnect();
          return false;
        }
      },
      10_000,
      'redis-server to start',
    );
    probe.disconnect();
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

describe('no loss while Redis is down', () => {
  const redis = new DisposableRedis();
  let ctx: TestApp;

  beforeAll(async () => {
    await redis.start();
    ctx = await startTestApp({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await redis.start(); // a clean close needs Redis
    await ctx.close();
    await redis.stop();
  });

  const outboxPending = async () =>
    (await ctx.db.query(`SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL`))[0]
      .n as number;

  it('accepts SCIM writes during the outage and delivers every pending flag once Redis returns', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    await ctx.gql(`mutation { createRole(input: { name: "securityadmin" }) { id } }`);
    const user = (await scim.post('/Users', newUser())).body;
    const group = (
      await scim.post('/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: 'security',
        members: [{ value: user.id }],
      })
    ).body;
    await ctx.gql(`mutation($i: SetRoleMappingInput!) { setRoleMapping(input: $i) { id } }`, {
      i: { tenantId: tenant.id, groupDisplayName: 'security', roles: ['securityadmin'] },
    });
    // Earlier jobs published and run, so nothing from before the outage can flag the session.
    await jobsSettled(ctx);
    const tokens = (
      await ctx.gql(
        `mutation($i: CreateSessionInput!) { createSession(input: $i) { sessionJwt refreshJwt } }`,
        {
          i: { tenantId: tenant.id, loginId: user.userName },
        },
      )
    ).data.createSession;

    await redis.stop();

    // The IdP keeps provisioning: every write succeeds, its flag waits in the outbox.
    const removed = await scim.patch(
      `/Groups/${group.id}`,
      patchOps({ op: 'remove', path: `members[value eq "${user.id}"]` }),
    );
    expect(removed.status).toBe(204);
    const another = await scim.post('/Users', newUser());
    expect(another.status).toBe(201);
    expect(await outboxPending()).toBeGreaterThanOrEqual(1);
    const health = await ctx.gql(`{ queueHealth { redisReachable outboxPending } }`);
    expect(health.data.queueHealth).toEqual(expect.objectContaining({ redisReachable: false }));
    expect(health.data.queueHealth.outboxPending).toBeGreaterThanOrEqual(1);
    expect((await ctx.http.get('/readyz')).status).toBe(503);
    const [session] = await ctx.db.query(`SELECT refresh_required_at FROM session WHERE user_id = $1`, [
      user.id,
    ]);
    expect(session.refresh_required_at).toBeNull();

    await redis.start();

    await eventually(
      async () =>
        (await ctx.http.post('/v1/auth/validate').send({ sessionJwt: tokens.sessionJwt })).body
          .refreshRequired === true,
      20_000,
      'the flag written during the outage to be delivered',
    );
    expect(await outboxPending()).toBe(0);
    const refreshed = await ctx.http.post('/v1/auth/refresh').send({ refreshJwt: tokens.refreshJwt });
    expect(refreshed.status).toBe(200);
  }, 60_000);
});
