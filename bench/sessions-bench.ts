/**
 * The session benchmarks of issue 5, against a running API with its worker (scripts/bench.sh
 * starts one and runs this after bench/run.ts):
 *   1. SCIM response -> the user's session flagged, at 100 writes/s (target p99 < 1 s);
 *   2. a mapping change on a 100,000-member group -> all their sessions flagged (target < 10 s);
 *   3. POST /v1/auth/refresh at 16 concurrent clients (target p99 < 20 ms).
 * Users, the group and sessions are seeded in bulk SQL; the measured steps go through the API.
 */
import http from 'node:http';

import { Client } from 'pg';

import { percentile } from './lib/load';
import { seedGroup, seedMembers, seedUsers, userId, userName } from './lib/seed';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
};
const intEnv = (name: string, fallback: number) =>
  Number((process.env[name] ?? String(fallback)).replace(/[_,]/g, ''));

const BASE_URL = env('BENCH_BASE_URL', 'http://127.0.0.1:3100');
const DATABASE_URL = env('DATABASE_URL');
const MANAGEMENT = `Bearer ${env('PROJECT_ID')}:${env('MANAGEMENT_KEY')}`;
const GROUP_MEMBERS = intEnv('BENCH_GROUP_MEMBERS', 100_000);
const WRITE_RATE = intEnv('BENCH_WRITE_RATE', 100);
const WRITE_SECONDS = intEnv('BENCH_WRITE_SECONDS', 20);
const REFRESH_SECONDS = intEnv('BENCH_DURATION', 10);
const CONNECTIONS = 16;

const log = (line: string) => console.error(`[bench:sessions] ${line}`);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

interface Answer {
  status: number;
  body: any;
}

function call(
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const url = new URL(path, BASE_URL);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method,
        agent,
        headers: {
          'content-type': path.startsWith('/scim') ? 'application/scim+json' : 'application/json',
          ...(payload !== undefined && { 'content-length': Buffer.byteLength(payload) }),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    request.on('error', reject);
    if (payload !== undefined) request.write(payload);
    request.end();
  });
}

async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const answer = await call('POST', '/graphql', { query, variables }, { authorization: MANAGEMENT });
  if (answer.body?.errors) throw new Error(JSON.stringify(answer.body.errors));
  return answer.body.data as T;
}

/** Sessions straight into the table: flagging only needs the rows (these cannot be refreshed). */
async function seedSessions(db: Client, tenantId: string, from: number, to: number): Promise<void> {
  await db.query(
    `INSERT INTO session (tenant_id, id, user_id, refresh_token_hash, expires_at)
     SELECT $1::uuid, gen_random_uuid(), md5('bench-user-' || n)::uuid, md5(random()::text) || md5(random()::text),
            now() + interval '30 days'
       FROM generate_series($2::int, $3::int) AS n`,
    [tenantId, from, to],
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');

async function main(): Promise<void> {
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  const { createTenant } = await graphql<{ createTenant: { id: string } }>(`
    mutation {
      createTenant(input: { name: "sessions-bench" }) {
        id
      }
    }
  `);
  const tenantId = createTenant.id;
  const { createAccessKey } = await graphql<{ createAccessKey: { cleartext: string } }>(
    `
      mutation ($i: CreateAccessKeyInput!) {
        createAccessKey(input: $i) {
          cleartext
        }
      }
    `,
    { i: { tenantId, name: 'bench' } },
  );
  const scimBearer = `Bearer ${env('PROJECT_ID')}:${createAccessKey.cleartext}`;

  const writes = WRITE_RATE * WRITE_SECONDS;
  const users = Math.max(GROUP_MEMBERS, writes);
  log(
    `seeding ${users.toLocaleString('en-US')} users, a ${GROUP_MEMBERS.toLocaleString('en-US')}-member group and their sessions`,
  );
  await seedUsers([db], tenantId, 1, users, () => undefined);
  const groupId = '00000000-0000-4000-8000-000000000b01';
  await seedGroup(db, tenantId, groupId, 'bench-everyone');
  await seedMembers(db, tenantId, groupId, 1, GROUP_MEMBERS);
  await seedSessions(db, tenantId, 1, users);
  await db.query('VACUUM (ANALYZE) scim_user, scim_group_member, session');

  // 1. SCIM write -> session flagged, open loop at WRITE_RATE/s, one distinct user per write.
  log(`${writes} PATCHes at ${WRITE_RATE}/s`);
  const answeredAt = new Map<string, number>();
  const started = Date.now();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < writes; i++) {
    const due = started + (i * 1000) / WRITE_RATE;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const id = userId(users - i); // from the end: not members of the big group
    inFlight.push(
      call(
        'PATCH',
        `/scim/v2/Users/${id}`,
        {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'displayName', value: `Renamed ${i}` }],
        },
        { authorization: scimBearer },
      ).then((answer) => {
        if (answer.status !== 200) throw new Error(`PATCH ${id} -> ${answer.status}`);
        answeredAt.set(id, Date.now());
      }),
    );
  }
  await Promise.all(inFlight);
  const achievedRate = writes / ((Date.now() - started) / 1000);
  const deadline = Date.now() + 30_000;
  let flagged: Array<{ user_id: string; flagged_ms: string }> = [];
  while (Date.now() < deadline) {
    flagged = (
      await db.query<{ user_id: string; flagged_ms: string }>(
        `SELECT user_id, (extract(epoch FROM refresh_required_at) * 1000)::bigint AS flagged_ms
           FROM session WHERE tenant_id = $1 AND user_id = ANY($2::uuid[]) AND refresh_required_at IS NOT NULL`,
        [tenantId, [...answeredAt.keys()]],
      )
    ).rows;
    if (flagged.length === writes) break;
    await sleep(200);
  }
  const lags = flagged
    .map((row) => Math.max(0, Number(row.flagged_ms) - (answeredAt.get(row.user_id) ?? 0)))
    .sort((a, b) => a - b);

  // 2. Mapping change on the big group -> every member's session flagged.
  await graphql(`
    mutation {
      createRole(input: { name: "bench-role" }) {
        id
      }
    }
  `);
  const mapped = Date.now();
  await graphql(
    `
      mutation ($i: SetRoleMappingInput!) {
        setRoleMapping(input: $i) {
          id
        }
      }
    `,
    {
      i: { tenantId, groupDisplayName: 'bench-everyone', roles: ['bench-role'] },
    },
  );
  let allFlaggedMs = Number.NaN;
  for (;;) {
    const { rows } = await db.query<{ n: number; last_ms: string }>(
      `SELECT count(*)::int AS n, (extract(epoch FROM max(refresh_required_at)) * 1000)::bigint AS last_ms
         FROM session s JOIN scim_group_member m ON m.tenant_id = s.tenant_id AND m.member_user_id = s.user_id
        WHERE s.tenant_id = $1 AND m.group_id = $2 AND s.refresh_required_at >= to_timestamp($3 / 1000.0)`,
      [tenantId, groupId, mapped],
    );
    if (rows[0].n >= GROUP_MEMBERS) {
      allFlaggedMs = Number(rows[0].last_ms) - mapped;
      break;
    }
    if (Date.now() - mapped > 120_000) break;
    await sleep(100);
  }

  // Step 2 updated 100,000 session rows: vacuum them now, or autovacuum does it during step 3.
  await db.query('VACUUM (ANALYZE) session');

  // 3. refresh at 16 concurrent clients, each rotating its own session's token.
  log(`refresh at ${CONNECTIONS} concurrent clients for ${REFRESH_SECONDS}s`);
  const tokens: string[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const { createSession } = await graphql<{ createSession: { refreshJwt: string } }>(
      `
        mutation ($i: CreateSessionInput!) {
          createSession(input: $i) {
            refreshJwt
          }
        }
      `,
      { i: { tenantId, loginId: userName(i + 1) } },
    );
    tokens.push(createSession.refreshJwt);
  }
  const latencies: number[] = [];
  let errors = 0;
  const warmUntil = Date.now() + 2_000;
  const stopAt = warmUntil + REFRESH_SECONDS * 1000;
  await Promise.all(
    tokens.map(async (first) => {
      let token = first;
      while (Date.now() < stopAt) {
        const t0 = process.hrtime.bigint();
        const answer = await call('POST', '/v1/auth/refresh', { refreshJwt: token });
        const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
        if (answer.status !== 200) {
          errors++;
          break;
        }
        token = answer.body.refreshJwt as string;
        if (Date.now() >= warmUntil) latencies.push(elapsed);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const closedRate = latencies.length / REFRESH_SECONDS;

  // The same at an offered load of half that throughput (open loop): latency below saturation.
  const openRate = Math.max(50, Math.round(closedRate / 2));
  const chains: string[] = [];
  for (let i = 0; i < 64; i++) {
    const { createSession } = await graphql<{ createSession: { refreshJwt: string } }>(
      `
        mutation ($i: CreateSessionInput!) {
          createSession(input: $i) {
            refreshJwt
          }
        }
      `,
      { i: { tenantId, loginId: userName(CONNECTIONS + i + 1) } },
    );
    chains.push(createSession.refreshJwt);
  }
  const openLatencies: number[] = [];
  let openErrors = 0;
  const openStarted = Date.now();
  const pending: Array<Promise<void>> = [];
  const busy = new Set<number>();
  for (let i = 0; i < openRate * REFRESH_SECONDS; i++) {
    const wait = openStarted + (i * 1000) / openRate - Date.now();
    if (wait > 0) await sleep(wait);
    const chain = [...Array(chains.length).keys()].find((index) => !busy.has(index));
    if (chain === undefined) {
      openErrors++; // every chain in flight: the server is saturated at this rate
      continue;
    }
    busy.add(chain);
    const t0 = process.hrtime.bigint();
    pending.push(
      call('POST', '/v1/auth/refresh', { refreshJwt: chains[chain] }).then((answer) => {
        openLatencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (answer.status === 200) chains[chain] = answer.body.refreshJwt as string;
        else openErrors++;
        busy.delete(chain);
      }),
    );
  }
  await Promise.all(pending);
  openLatencies.sort((a, b) => a - b);

  const report = [
    '## Sessions (issue 5)',
    '',
    '| measure | result | target |',
    '| --- | --- | --- |',
    `| SCIM PATCH -> session flagged, ${writes} writes at ${fmt(achievedRate)}/s: p50 / p99 / max | ${fmt(percentile(lags, 0.5))} / ${fmt(percentile(lags, 0.99))} / ${fmt(lags[lags.length - 1])} ms (${lags.length}/${writes} flagged) | p99 < 1000 ms |`,
    `| setRoleMapping on a ${GROUP_MEMBERS.toLocaleString('en-US')}-member group -> all sessions flagged | ${fmt(allFlaggedMs)} ms | < 10000 ms |`,
    `| POST /v1/auth/refresh, ${CONNECTIONS} clients in a closed loop (saturated): p50 / p99 (req/s) | ${fmt(percentile(latencies, 0.5))} / ${fmt(percentile(latencies, 0.99))} ms (${fmt(closedRate)}/s, ${errors} errors) | p99 < 20 ms |`,
    `| POST /v1/auth/refresh offered at ${openRate}/s (half that throughput, open loop): p50 / p99 | ${fmt(percentile(openLatencies, 0.5))} / ${fmt(percentile(openLatencies, 0.99))} ms (${openErrors} errors) | p99 < 20 ms |`,
    '',
  ].join('\n');
  console.log(report);
  agent.destroy();
  await db.end();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
