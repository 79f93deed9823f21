import 'reflect-metadata';

import type { Client } from 'pg';
import type { EntityManager } from 'typeorm';

import { ScimGroupsRepository } from '../../src/modules/scim-groups/scim-groups.repository';
import { ScimUsersRepository } from '../../src/modules/scim-users/scim-users.repository';
import { parseListQuery, USER_RESOURCE_TYPE } from '../../src/scim';

/**
 * EXPLAIN ANALYZE of the exact SQL the app runs: the repositories are called with a stand-in
 * EntityManager that explains every statement instead of running it for the app. Writes are
 * explained inside a transaction that is rolled back.
 */
export interface ExplainedStatement {
  label: string;
  sql: string;
  plan: string;
  /** "Execution Time" from the plan, in ms. */
  executionMs: number;
  params?: unknown[];
}

/** `coalesce(<expr> = $n, false)` -> `(<expr> = $n AND <expr> IS NOT NULL)` (the fix proposed for filter-sql.ts). */
export function rewriteCoalesceEq(sql: string): string {
  return sql.replace(/coalesce\((.+?) = (\$\d+), false\)/g, '($1 = $2 AND $1 IS NOT NULL)');
}

function explainingManager(client: Client, label: string, out: ExplainedStatement[]): EntityManager {
  let index = 0;
  const query = async (sql: string, params?: unknown[]) => {
    const result = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`,
      params,
    );
    // Long literal arrays (100 member ids) are shortened so the plans stay readable.
    const plan = result.rows
      .map((row) => row['QUERY PLAN'])
      .join('\n')
      .replace(/'\{([0-9a-f-]{36}),[^}]{200,}\}'/g, "'{$1,…}'");
    const match = /Execution Time: ([\d.]+) ms/.exec(plan);
    out.push({
      label: `${label} #${++index}`,
      sql: sql.replace(/\s+/g, ' ').trim(),
      plan,
      executionMs: match ? Number(match[1]) : Number.NaN,
      params,
    });
    // Shapes the repositories read back; the values do not matter here.
    return /count\(\*\)/.test(sql) ? [{ total: 0 }] : [];
  };
  return { query } as unknown as EntityManager;
}

export async function explainAppQueries(
  client: Client,
  input: {
    tenantId: string;
    groupId: string;
    existingUserName: string;
    /** Ids of users that are not members yet (for the membership insert). */
    nonMemberIds: string[];
  },
): Promise<ExplainedStatement[]> {
  const out: ExplainedStatement[] = [];
  const users = new ScimUsersRepository();
  const groups = new ScimGroupsRepository();

  const filterText = `userName eq "${input.existingUserName}"`;
  // Parsed as the controller parses it (default page size 100, as in src/config/config.ts).
  const query = parseListQuery({ filter: filterText }, USER_RESOURCE_TYPE, {
    defaultCount: 100,
    maxCount: 1000,
  });
  // With the user's groups, as the lookup runs it: `groups` is returned by default (RFC 7643 §4.1.2).
  await users.list(
    explainingManager(client, 'GET /Users?filter=userName eq', out),
    input.tenantId,
    query,
    true,
  );

  // The same statements with each `coalesce(x = $n, false)` written as `(x = $n AND x IS NOT NULL)`:
  // equally two-valued under NOT, but a form the (tenant_id, lower(user_name)) index can serve.
  const proposed = out
    .filter((statement) => /coalesce\(/.test(statement.sql))
    .map((statement) => ({ ...statement, sql: rewriteCoalesceEq(statement.sql) }));
  const proposedManager = explainingManager(client, 'PROPOSED GET /Users?filter=userName eq', out);
  for (const statement of proposed) await proposedManager.query(statement.sql, statement.params);

  await groups.findById(
    explainingManager(client, 'GET /Groups/{id}?excludedAttributes=members', out),
    input.tenantId,
    input.groupId,
  );

  await client.query('BEGIN');
  try {
    const manager = explainingManager(client, 'PATCH add 100 members', out);
    // The write path reads the group FOR UPDATE; the lock argument's type is still changing, so
    // the plain read is explained (same plan).
    await groups.findById(manager, input.tenantId, input.groupId);
    await groups.resolveMembers(
      manager,
      input.tenantId,
      input.groupId,
      input.nonMemberIds.map((value) => ({ value })),
    );
    await groups.addMembers(manager, input.tenantId, input.groupId, input.nonMemberIds, []);
  } finally {
    await client.query('ROLLBACK');
  }
  return out;
}
