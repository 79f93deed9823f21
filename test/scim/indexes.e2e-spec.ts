import { EntityManager, QueryRunner } from 'typeorm';

import { ScimGroupsRepository } from '../../src/modules/scim-groups/scim-groups.repository';
import { ScimUsersRepository } from '../../src/modules/scim-users/scim-users.repository';
import { GROUP_RESOURCE_TYPE, parseListQuery, USER_RESOURCE_TYPE } from '../../src/scim';
import { ENTERPRISE } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import { createGroup, createUser, tenantClient } from './helpers';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/**
 * The filters IdPs and sync tools send are answered through an index, never by reading every row
 * of the tenant: with sequential scans priced out, each query's plan must use the expected index.
 */
describe('SCIM filters compile to SQL that indexes serve', () => {
  let ctx: TestApp;
  let tenantId: string;
  let runner: QueryRunner;
  const ids: Record<string, string> = {};
  let plans: PlanNode[][] = [];

  /** Runs each statement for real, after recording its plan. */
  const explaining = {
    query: async (sql: string, params: unknown[]) => {
      const [row] = await runner.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      plans.push(nodesOf(row['QUERY PLAN'][0].Plan));
      return runner.query(sql, params);
    },
  } as unknown as EntityManager;

  beforeAll(async () => {
    ctx = await startTestApp();
    const client = await tenantClient(ctx);
    tenantId = client.tenantId;
    const user = await createUser(client.scim, { externalId: 'ext-1' });
    ids.user = user.id;
    ids.group = (await createGroup(client.scim, { externalId: 'g-1', members: [{ value: user.id }] })).id;
    runner = ctx.db.createQueryRunner();
    await runner.connect();
    // Enough rows that the planner's statistics look like a real tenant's.
    await runner.query(
      `INSERT INTO scim_user (tenant_id, id, user_name, external_id, email_values, primary_email, data, created_at, updated_at)
       SELECT $1, gen_random_uuid(), 'seed' || n || '@example.com', 'seed-' || n, ARRAY['seed' || n || '@example.com'],
              'seed' || n || '@example.com', jsonb_build_object('userName', 'seed' || n || '@example.com'),
              now() - n * interval '1 minute', now() - n * interval '1 minute'
         FROM generate_series(1, 20000) AS n`,
      [tenantId],
    );
    await runner.query(
      `INSERT INTO scim_group (tenant_id, id, display_name, external_id, created_at, updated_at)
       SELECT $1, gen_random_uuid(), 'seed group ' || n, 'seed-g-' || n, now() - n * interval '1 minute', now() - n * interval '1 minute'
         FROM generate_series(1, 5000) AS n`,
      [tenantId],
    );
    await runner.query('ANALYZE');
    await runner.query('SET enable_seqscan = off');
  });
  afterAll(async () => {
    await runner.release();
    await ctx.close();
  });

  const table: Array<['User' | 'Group', string, string[]]> = [
    ['User', 'userName eq "Bjensen@Example.com"', ['ux_scim_user_user_name']],
    ['User', 'externalId eq "ext-1"', ['ix_scim_user_external_id']],
    ['User', 'emails[type eq "work" and value eq "bjensen@example.com"]', ['ix_scim_user_email_values']],
    ['User', 'emails.value eq "bjensen@example.com"', ['ix_scim_user_email_values']],
    ['User', 'emails eq "bjensen@example.com"', ['ix_scim_user_email_values']],
    ['User', 'id eq "$user"', ['pk_scim_user']],
    // "Changed in the last few minutes": selective, as a sync tool's incremental read is.
    ['User', 'meta.created gt "$recent"', ['ix_scim_user_created']],
    ['User', 'meta.lastModified ge "$recent"', ['ix_scim_user_updated']],
    ['User', 'userName eq "a" or externalId eq "b"', ['ux_scim_user_user_name', 'ix_scim_user_external_id']],
    ['Group', 'displayName eq "Admins"', ['ux_scim_group_display_name']],
    ['Group', 'externalId eq "g-1"', ['ix_scim_group_external_id']],
    ['Group', 'id eq "$group"', ['pk_scim_group']],
    ['Group', 'meta.lastModified gt "$recent"', ['ix_scim_group_updated']],
  ];

  it.each(table)('%s: %s uses %j', async (type, template, indexes) => {
    const recent = new Date(Date.now() - 5 * 60_000).toISOString();
    const filter = template
      .replace('$user', ids.user)
      .replace('$group', ids.group)
      .replace('$recent', recent);
    plans = [];
    const rt = type === 'User' ? USER_RESOURCE_TYPE : GROUP_RESOURCE_TYPE;
    const query = parseListQuery({ filter }, rt, { defaultCount: 100, maxCount: 1000 });
    if (type === 'User') await ctx.app.get(ScimUsersRepository).list(explaining, tenantId, query);
    else await ctx.app.get(ScimGroupsRepository).list(explaining, tenantId, query);
    // The page, and the count when the page does not already tell the total: every statement run.
    expect(plans.length).toBeGreaterThanOrEqual(1);
    for (const plan of plans) {
      const seqScans = plan
        .filter((node) => node['Node Type'] === 'Seq Scan')
        .map((node) => node['Relation Name']);
      expect({ filter, seqScans }).toEqual({ filter, seqScans: [] });
      const used = plan.map((node) => node['Index Name']).filter((name) => name !== undefined);
      expect({ filter, used: indexes.filter((index) => used.includes(index)) }).toEqual({
        filter,
        used: indexes,
      });
    }
  });

  it('a cursor page sorted by meta.lastModified walks the index', async () => {
    plans = [];
    const query = parseListQuery(
      {
        sortBy: 'meta.lastModified',
        cursor: '',
        count: '10',
        filter: `${ENTERPRISE}:department pr or userName pr`,
      },
      USER_RESOURCE_TYPE,
      { defaultCount: 100, maxCount: 1000 },
    );
    await ctx.app.get(ScimUsersRepository).list(explaining, tenantId, { ...query, filter: undefined });
    // The page is the statement with a LIMIT (the count, when run, has none).
    const page = plans.find((plan) => plan.some((node) => node['Node Type'] === 'Limit'));
    if (!page) throw new Error('no page statement was run');
    expect(page.map((node) => node['Index Name'])).toContain('ix_scim_user_updated');
    expect(page.map((node) => node['Node Type'])).not.toContain('Sort');
  });
});
