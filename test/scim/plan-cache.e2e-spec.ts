import { sqlQuery } from '../../src/persistence/sql-query';
import { startTestApp, TestApp } from '../support/test-app';
import { tenantClient } from './helpers';

interface PreparedPlans {
  statement: string;
  generic_plans: string;
  custom_plans: string;
}

/**
 * The hottest statements run prepared (sql-query.ts), and PostgreSQL must keep one generic plan
 * for each rather than plan every execution anew. An IdP's lookup (`GET /Users?filter=userName eq
 * "x"`) selects its user's `groups` through a correlated subquery, which once made PostgreSQL
 * re-plan every lookup and doubled its database CPU; the session refresh once went through
 * TypeORM's unprepared query(). With a pool of one connection every statement of the app meets
 * the same session, whose pg_prepared_statements tells how each statement was planned.
 */
describe('hot statements are prepared and keep a generic plan', () => {
  let ctx: TestApp;
  let scim: Awaited<ReturnType<typeof tenantClient>>['scim'];
  let tenantId: string;

  beforeAll(async () => {
    ctx = await startTestApp({ env: { DATABASE_POOL_SIZE: '1' } });
    const client = await tenantClient(ctx);
    scim = client.scim;
    tenantId = client.tenantId;
    // Enough users, memberships and groups that the planner prices the groups subquery as it does
    // for a real tenant (above 10 per row, PostgreSQL's allowance for planning once more).
    await ctx.db.query(
      `INSERT INTO scim_user (tenant_id, id, user_name, email_values, primary_email, data)
       SELECT $1, md5('plan-user-' || n)::uuid, 'user' || n || '@plan.example', ARRAY['user' || n || '@plan.example'],
              'user' || n || '@plan.example', jsonb_build_object('userName', 'user' || n || '@plan.example')
         FROM generate_series(1, 50000) AS n`,
      [client.tenantId],
    );
    await ctx.db.query(
      `INSERT INTO scim_group (tenant_id, id, display_name)
       SELECT $1, md5('plan-group-' || n)::uuid, 'plan group ' || n FROM generate_series(1, 300) AS n`,
      [client.tenantId],
    );
    await ctx.db.query(
      `INSERT INTO scim_group_member (tenant_id, group_id, member_id, member_type, member_user_id)
       SELECT $1, md5('plan-group-1')::uuid, md5('plan-user-' || n)::uuid, 'User', md5('plan-user-' || n)::uuid
         FROM generate_series(1, 50000, 10) AS n`,
      [client.tenantId],
    );
    await ctx.db.query(`ANALYZE scim_user, scim_group, scim_group_member`);
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('plans the userName lookup with its groups once, then reuses the plan', async () => {
    for (let n = 1; n <= 12; n++) {
      const response = await scim.get(
        `/Users?filter=${encodeURIComponent(`userName eq "user${n * 10 + 1}@plan.example"`)}`,
      );
      expect(response.status).toBe(200);
      expect(response.body.Resources[0].userName).toBe(`user${n * 10 + 1}@plan.example`);
      expect(response.body.Resources[0].groups).toEqual([
        expect.objectContaining({ display: 'plan group 1' }),
      ]);
    }
    const plans = await preparedStatements('%FROM scim_user u%', '%scim_group_member%');
    expect(plans).toHaveLength(1);
    // PostgreSQL tries five custom plans first, then keeps the generic one if it is no dearer.
    expect(Number(plans[0].generic_plans)).toBeGreaterThanOrEqual(5);
  });

  it('runs the session refresh as a prepared statement with one plan', async () => {
    for (let n = 1; n <= 8; n++) {
      const created = await ctx.gql(
        `mutation($i: CreateSessionInput!) { createSession(input: $i) { refreshJwt } }`,
        { i: { tenantId, loginId: `user${n}@plan.example` } },
      );
      const refreshed = await ctx.http
        .post('/v1/auth/refresh')
        .send({ refreshJwt: created.data.createSession.refreshJwt });
      expect(refreshed.status).toBe(200);
    }
    const plans = await preparedStatements('%UPDATE session s%');
    expect(plans).toHaveLength(1);
    expect(Number(plans[0].generic_plans)).toBeGreaterThanOrEqual(3);
  });

  /** This session's prepared statements whose text is LIKE every pattern (this query's own left out). */
  function preparedStatements(...patterns: string[]): Promise<PreparedPlans[]> {
    return sqlQuery<PreparedPlans>(
      ctx.db.manager,
      `SELECT statement, generic_plans::text, custom_plans::text FROM pg_prepared_statements
        WHERE statement LIKE ALL ($1::text[]) AND statement NOT LIKE '%pg_prepared_statements%'`,
      [patterns],
    );
  }
});
