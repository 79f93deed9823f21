import { createHash } from 'node:crypto';

import { Client } from 'pg';

/**
 * Bulk seeding straight through SQL (INSERT ... SELECT generate_series), never through the API.
 * User n has a deterministic id (md5 of "bench-user-<n>" as a uuid) and userName
 * user<n>@bench.example, so the load generator can name existing users and non-members
 * without reading them back.
 */
export const userName = (n: number) => `user${n}@bench.example`;

export function userId(n: number): string {
  const hex = createHash('md5').update(`bench-user-${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const USER_ID_SQL = `md5('bench-user-' || n)::uuid`;
const CHUNK = 100_000;

/** Inserts users n = from..to (inclusive) into the tenant, in chunks over `clients` in parallel. */
export async function seedUsers(
  clients: Client[],
  tenantId: string,
  from: number,
  to: number,
  log: (line: string) => void,
): Promise<void> {
  const chunks: Array<[number, number]> = [];
  for (let start = from; start <= to; start += CHUNK) chunks.push([start, Math.min(start + CHUNK - 1, to)]);
  let done = 0;
  await Promise.all(
    clients.map(async (client) => {
      for (;;) {
        const chunk = chunks.shift();
        if (!chunk) return;
        await client.query(
          `INSERT INTO scim_user (tenant_id, id, user_name, external_id, display_name, active, email_values,
                                  primary_email, data, created_at, updated_at)
           SELECT $1::uuid, ${USER_ID_SQL}, e.mail, 'ext-' || n, 'Bench User ' || n, true, ARRAY[e.mail], e.mail,
                  jsonb_build_object(
                    'schemas', jsonb_build_array('urn:ietf:params:scim:schemas:core:2.0:User'),
                    'userName', e.mail,
                    'externalId', 'ext-' || n,
                    'displayName', 'Bench User ' || n,
                    'name', jsonb_build_object('givenName', 'Given' || n, 'familyName', 'Family' || n),
                    'emails', jsonb_build_array(jsonb_build_object('value', e.mail, 'type', 'work', 'primary', true)),
                    'active', true),
                  now() - make_interval(secs => $3::int - n), now() - make_interval(secs => $3::int - n)
             FROM generate_series($2::int, $3::int) AS n,
                  LATERAL (SELECT 'user' || n || '@bench.example' AS mail) AS e`,
          [tenantId, chunk[0], chunk[1]],
        );
        done += chunk[1] - chunk[0] + 1;
        log(`  users: ${done.toLocaleString('en-US')} / ${(to - from + 1).toLocaleString('en-US')}`);
      }
    }),
  );
}

export async function seedGroup(client: Client, tenantId: string, groupId: string, name: string) {
  await client.query(
    `INSERT INTO scim_group (tenant_id, id, display_name, external_id) VALUES ($1, $2, $3, $3)`,
    [tenantId, groupId, name],
  );
}

/** Makes users n = from..to members of the group (already-members are left alone). */
export async function seedMembers(
  client: Client,
  tenantId: string,
  groupId: string,
  from: number,
  to: number,
): Promise<void> {
  if (to < from) return;
  await client.query(
    `INSERT INTO scim_group_member (tenant_id, group_id, member_id, member_type, member_user_id)
     SELECT $1::uuid, $2::uuid, ${USER_ID_SQL}, 'User', ${USER_ID_SQL}
       FROM generate_series($3::int, $4::int) AS n
     ON CONFLICT DO NOTHING`,
    [tenantId, groupId, from, to],
  );
}

/**
 * Settles the seeded tables before anything is measured: statistics and the visibility map
 * (VACUUM ANALYZE), then a CHECKPOINT, so the gigabyte of pages a million-user seed leaves dirty
 * in shared_buffers is not written out by the checkpointer in the middle of a measured run.
 */
export async function analyze(client: Client, log: (line: string) => void = () => undefined): Promise<void> {
  await client.query('VACUUM (ANALYZE) scim_user, scim_group, scim_group_member');
  try {
    await client.query('CHECKPOINT');
  } catch (error) {
    // Without the pg_checkpoint role (BENCH_DATABASE_URL elsewhere) the runs simply start earlier.
    log(`  CHECKPOINT skipped: ${(error as Error).message}`);
  }
}
