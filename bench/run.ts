/**
 * The SCIM benchmarks of issue 3, against a running API (scripts/bench.sh starts one).
 *
 * For each size (10,000 users, then BENCH_USERS): seed the tenant in bulk through SQL, ANALYZE,
 * then measure the four figures of the issue and EXPLAIN ANALYZE the SQL behind them. Writes a
 * Markdown report (BENCH_OUTPUT, default bench/results/latest.md) and prints it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Client } from 'pg';

import { dbCounters, perRequest } from './lib/db-stats';
import { explainAppQueries, ExplainedStatement } from './lib/explain';
import { LoadResult, percentile, RequestSpec, runLoad } from './lib/load';
import { analyze, seedGroup, seedMembers, seedUsers, userId, userName } from './lib/seed';
import { luaString, runWrk, wrkAvailable } from './lib/wrk';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
};
const intEnv = (name: string, fallback: number, min = 1) => {
  const value = Number((process.env[name] ?? String(fallback)).replace(/[_,]/g, ''));
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer of at least ${min}`);
  return value;
};

const BASE_URL = env('BENCH_BASE_URL', 'http://127.0.0.1:3100');
const DATABASE_URL = env('DATABASE_URL');
const PROJECT_ID = env('PROJECT_ID');
const MANAGEMENT_KEY = env('MANAGEMENT_KEY');
const USERS = intEnv('BENCH_USERS', 1_000_000);
const GROUP_MEMBERS = intEnv('BENCH_GROUP_MEMBERS', 100_000);
const DURATION = intEnv('BENCH_DURATION', 10);
const WARMUP = Math.min(3, Math.max(1, Math.round(DURATION / 5)));
/** Seconds of load on a tenant of its own before the first measured run (0: none); see warmUpApi. */
const API_WARMUP = intEnv('BENCH_API_WARMUP', 30, 0);
/** The first seconds of that warm-up, the lookup from a cold start, are measured and reported. */
const COLD_START_SECONDS = Math.min(10, API_WARMUP);
const WARMUP_TENANT_USERS = 10_000;
const CONNECTIONS = 16;
const PATCH_BATCH = 100;
const SIZES = [...new Set([Math.min(10_000, USERS), USERS])].sort((a, b) => a - b);
const OUTPUT = process.env.BENCH_OUTPUT ?? path.join(__dirname, 'results', 'latest.md');
const COMMAND = process.env.BENCH_COMMAND ?? 'npm run bench';
const API_PID = process.env.BENCH_API_PID ? Number(process.env.BENCH_API_PID) : undefined;
/** The 16-connection runs use wrk where it is installed (BENCH_LOAD=node forces load.ts). */
const USE_WRK = process.env.BENCH_LOAD !== 'node' && wrkAvailable();
const LOAD_GENERATOR = USE_WRK
  ? 'wrk (2 threads) for the 16-connection runs, the Node generator in bench/lib/load.ts for 1-connection runs and PATCH'
  : 'the Node generator in bench/lib/load.ts';

const TARGETS = { filterP99: 10, patchP99: 50, groupGetP99: 5, postRatio: 1 / 3 };

const log = (line: string) => console.error(`[bench] ${line}`);
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
const int = (value: number) => Math.round(value).toLocaleString('en-US');
/** Rates below 10 keep a decimal, so a collapse to 0.7 req/s does not read as 0. */
const rate = (value: number) => (value < 10 ? value.toFixed(1) : int(value));

interface InsertBaseline {
  tool: string;
  tps: number;
  p50?: number;
  p99?: number;
  latencyAvg?: number;
}

interface Phase {
  users: number;
  groupMembers: number;
  seedSeconds: number;
  filter16: LoadResult;
  filter1: LoadResult;
  patch: LoadResult;
  groupGet1: LoadResult;
  groupGet16: LoadResult;
  post16: LoadResult;
  insertBaseline: InsertBaseline;
  explained: ExplainedStatement[];
  /** Database work per request (commits, rows written per table), whole server including background jobs. */
  dbPerRequest: Record<string, string>;
}

async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${BASE_URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${PROJECT_ID}:${MANAGEMENT_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!response.ok || body.errors || !body.data) {
    throw new Error(`GraphQL failed (${response.status}): ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data;
}

async function createTenant(prefix = 'bench'): Promise<{ tenantId: string; bearer: string }> {
  const name = `${prefix}-${new Date().toISOString()}`;
  const { createTenant } = await graphql<{ createTenant: { id: string } }>(
    `
      mutation ($name: String!) {
        createTenant(input: { name: $name }) {
          id
        }
      }
    `,
    { name },
  );
  const { createAccessKey } = await graphql<{ createAccessKey: { cleartext: string } }>(
    `
      mutation ($i: CreateAccessKeyInput!) {
        createAccessKey(input: $i) {
          cleartext
        }
      }
    `,
    { i: { tenantId: createTenant.id, name: 'bench' } },
  );
  return { tenantId: createTenant.id, bearer: `Bearer ${PROJECT_ID}:${createAccessKey.cleartext}` };
}

/** Raw single-row INSERT transactions on the same PostgreSQL, 16 clients: pgbench, or a node loop. */
async function insertBaseline(client: Client): Promise<InsertBaseline> {
  await client.query(`DROP TABLE IF EXISTS bench_insert_scratch`);
  await client.query(`CREATE TABLE bench_insert_scratch (
      id bigserial PRIMARY KEY, tenant_id uuid NOT NULL, user_name text NOT NULL, data jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
  try {
    const pgbench = findPgbench();
    if (pgbench) {
      const script = path.join(os.tmpdir(), `roster-bench-insert-${process.pid}.sql`);
      writeFileSync(
        script,
        [
          `\\set r random(1, 2000000000)`,
          `INSERT INTO bench_insert_scratch (tenant_id, user_name, data) VALUES ` +
            `('00000000-0000-0000-0000-000000000001', 'u' || :client_id || '-' || :r || '@bench.example', ` +
            `'{"userName":"u@bench.example","active":true}');`,
          '',
        ].join('\n'),
      );
      const output = execFileSync(
        pgbench,
        ['-n', '-c', String(CONNECTIONS), '-j', '2', '-T', String(DURATION), '-f', script, DATABASE_URL],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(output);
      const latency = /latency average = ([\d.]+) ms/.exec(output);
      if (!tps) throw new Error(`could not read pgbench output:\n${output}`);
      return {
        tool: 'pgbench',
        tps: Number(tps[1]),
        latencyAvg: latency ? Number(latency[1]) : undefined,
      };
    }
    return await nodeInsertLoop();
  } finally {
    await client.query(`DROP TABLE IF EXISTS bench_insert_scratch`);
  }
}

function findPgbench(): string | undefined {
  const candidates = ['/usr/lib/postgresql/15/bin/pgbench', '/usr/lib/postgresql/16/bin/pgbench'];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  const which = spawnSync('sh', ['-c', 'command -v pgbench'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

async function nodeInsertLoop(): Promise<InsertBaseline> {
  const clients = await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = new Client({ connectionString: DATABASE_URL });
      await client.connect();
      return client;
    }),
  );
  const latencies: number[] = [];
  const stopAt = process.hrtime.bigint() + BigInt(DURATION) * 1_000_000_000n;
  const started = process.hrtime.bigint();
  await Promise.all(
    clients.map(async (client, index) => {
      for (let i = 0; process.hrtime.bigint() < stopAt; i++) {
        const sent = process.hrtime.bigint();
        await client.query(
          `INSERT INTO bench_insert_scratch (tenant_id, user_name, data) VALUES ($1, $2, $3)`,
          ['00000000-0000-0000-0000-000000000001', `u${index}-${i}@bench.example`, { userName: 'u' }],
        );
        latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await Promise.all(clients.map((client) => client.end()));
  latencies.sort((a, b) => a - b);
  return {
    tool: 'node pg loop',
    tps: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

/** One 16-connection workload: the wrk script and the same requests for the Node generator. */
interface Workload {
  script: string;
  next: (i: number) => RequestSpec;
  expectStatus: number[];
}

const luaHeaders = (bearer: string, extra = '') =>
  `{ ["Authorization"] = ${luaString(bearer)}, ["Accept"] = "application/scim+json"${extra} }`;

/** The userName of a random seeded user, n in 1..size. */
const randomUserName = (size: number) => userName(1 + Math.floor(Math.random() * size));

/** GET /Users?filter=userName eq "user<n>@bench.example" for a random seeded n in 1..size. */
function filterWorkload(bearer: string, size: number): Workload {
  const [before, after] = encodeURIComponent(`userName eq "${userName(987654321)}"`).split('987654321');
  return {
    script: `
local headers = ${luaHeaders(bearer)}
function request()
  local n = math.random(1, ${size})
  return wrk.format("GET", "/scim/v2/Users?filter=" .. ${luaString(before)} .. n .. ${luaString(after)}, headers)
end`,
    next: () => ({
      method: 'GET',
      path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${randomUserName(size)}"`)}`,
    }),
    expectStatus: [200],
  };
}

/** GET /Groups/{id}?excludedAttributes=members. */
function groupWorkload(bearer: string, groupId: string): Workload {
  const path = `/scim/v2/Groups/${groupId}?excludedAttributes=members`;
  return {
    script: `
local headers = ${luaHeaders(bearer)}
function request()
  return wrk.format("GET", ${luaString(path)}, headers)
end`,
    next: () => ({ method: 'GET', path }),
    expectStatus: [200],
  };
}

/** POST /Users with a new userName per request, unique across runs through `run`. */
function postWorkload(bearer: string, run: string): Workload {
  const postBody = (id: string, i: number) => {
    const name = `post-${id}@bench.example`;
    return {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: name,
      externalId: `post-${id}`,
      name: { givenName: 'Post', familyName: `User ${i}` },
      emails: [{ value: name, type: 'work', primary: true }],
      active: true,
    };
  };
  // The same body in Lua: a template whose placeholders are filled per request.
  const template = JSON.stringify(postBody('{ID}', 0)).replace('User 0', 'User {I}');
  return {
    script: `
local headers = ${luaHeaders(bearer, ', ["Content-Type"] = "application/scim+json"')}
local template = ${luaString(template)}
local i = 0
function request()
  i = i + 1
  local id = ${luaString(run)} .. "-" .. phase .. "-" .. tid .. "-" .. i
  local body = template:gsub("{ID}", id):gsub("{I}", tostring(i))
  return wrk.format("POST", "/scim/v2/Users", headers, body)
end`,
    next: (i) => ({ method: 'POST', path: '/scim/v2/Users', body: postBody(`${run}-${i}`, i) }),
    expectStatus: [201],
  };
}

/** PATCH adding the next PATCH_BATCH users (from state.nextPatchUser) that are not members yet. */
function patchRequests(groupId: string, size: number, state: { nextPatchUser: number }) {
  return (): RequestSpec | undefined => {
    const first = state.nextPatchUser;
    // The last batch of the pool stays free for the EXPLAIN of the membership insert.
    if (first + 2 * PATCH_BATCH - 1 > size) return undefined;
    state.nextPatchUser += PATCH_BATCH;
    return {
      method: 'PATCH',
      path: `/scim/v2/Groups/${groupId}`,
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'add',
            path: 'members',
            value: Array.from({ length: PATCH_BATCH }, (_, k) => ({ value: userId(first + k) })),
          },
        ],
      },
    };
  };
}

/** Options every run against the API shares. */
function commonLoad(bearer: string, warmupSec: number, durationSec: number) {
  const headers = { authorization: bearer, accept: 'application/scim+json' };
  return { baseUrl: BASE_URL, headers, durationSec, warmupSec, apiPid: API_PID };
}

/** A 16-connection run: wrk where it is installed, else the Node generator. */
function load16(common: ReturnType<typeof commonLoad>, workload: Workload): Promise<LoadResult> {
  return USE_WRK
    ? runWrk({ ...common, connections: CONNECTIONS, script: workload.script })
    : runLoad({
        ...common,
        connections: CONNECTIONS,
        next: workload.next,
        expectStatus: workload.expectStatus,
      });
}

/**
 * Load on a tenant of its own, with every kind of request the measured runs send, before the first
 * of them. From a cold start the lookup needs about 10 s of load on these 2 cores to reach its
 * steady rate (1,300 req/s in its first 2 s, 3,800 after 12 s, with p99 falling from 120 ms to
 * 9 ms): V8 optimises the hot code on a background thread that competes with the API and
 * PostgreSQL for the same cores, and each new pooled connection plans its statements once. A
 * service runs for days, so the runs measure it warm; the first COLD_START_SECONDS of the lookup
 * are returned, to be reported as what the first seconds after a deploy look like.
 */
async function warmUpApi(db: Client, seeders: Client[]): Promise<LoadResult | undefined> {
  if (API_WARMUP === 0) return undefined;
  log(`warming the API up for ${API_WARMUP} s on a tenant of its own`);
  const { tenantId, bearer } = await createTenant('bench-warmup');
  const groupId = randomUUID();
  await seedGroup(db, tenantId, groupId, 'bench-warmup-group');
  await seedUsers(seeders, tenantId, 1, WARMUP_TENANT_USERS, () => undefined);
  await seedMembers(db, tenantId, groupId, 1, PATCH_BATCH);
  await analyze(db, log);

  const filter = filterWorkload(bearer, WARMUP_TENANT_USERS);
  const coldStart = await load16(commonLoad(bearer, 0, COLD_START_SECONDS), filter);
  log(
    `  cold start, lookup: ${rate(coldStart.rps)} req/s, p50 / p99 ${ms(coldStart.p50)} / ${ms(coldStart.p99)} ms`,
  );
  // The rest of the time in equal shares: group GET, POST, PATCH (while users last), the lookup again.
  const share = Math.max(1, Math.round((API_WARMUP - COLD_START_SECONDS) / 4));
  if (API_WARMUP > COLD_START_SECONDS) {
    await load16(commonLoad(bearer, 0, share), groupWorkload(bearer, groupId));
    await load16(commonLoad(bearer, 0, share), postWorkload(bearer, `warmup-${randomUUID().slice(0, 8)}`));
    await runLoad({
      ...commonLoad(bearer, 0, share),
      connections: 1,
      next: patchRequests(groupId, WARMUP_TENANT_USERS, { nextPatchUser: PATCH_BATCH + 1 }),
      expectStatus: [200, 204],
    });
    await load16(commonLoad(bearer, 0, share), filter);
  }
  if (coldStart.errors > 0) log(`  cold start: ${coldStart.errors} errors, first: ${coldStart.firstError}`);
  return coldStart;
}

async function runPhase(
  db: Client,
  seeders: Client[],
  ctx: { tenantId: string; bearer: string; groupId: string; state: { users: number; nextPatchUser: number } },
  size: number,
): Promise<Phase> {
  const { tenantId, bearer, groupId, state } = ctx;
  // At most a tenth of the users, so the PATCH run always has users left to add.
  const groupMembers = Math.max(
    1,
    Math.min(GROUP_MEMBERS, Math.floor((size * GROUP_MEMBERS) / USERS), Math.floor(size / 10)),
  );

  log(`seeding ${int(size)} users and a group of ${int(groupMembers)} members`);
  const seedStart = process.hrtime.bigint();
  await seedUsers(seeders, tenantId, state.users + 1, size, log);
  state.users = size;
  await seedMembers(db, tenantId, groupId, 1, groupMembers);
  state.nextPatchUser = Math.max(state.nextPatchUser, groupMembers + 1);
  log('  VACUUM ANALYZE, CHECKPOINT');
  await analyze(db, log);
  const seedSeconds = Number(process.hrtime.bigint() - seedStart) / 1e9;
  log(`  seeded in ${seedSeconds.toFixed(1)} s`);

  const common = commonLoad(bearer, WARMUP, DURATION);
  const filter = filterWorkload(bearer, size);
  const group = groupWorkload(bearer, groupId);

  log(`[${int(size)}] GET /Users?filter=userName eq, ${CONNECTIONS} connections`);
  const dbPerRequest: Record<string, string> = {};
  let counters = await dbCounters(db);
  const filter16 = await load16(common, filter);
  dbPerRequest['GET /Users?filter'] = perRequest(counters, await dbCounters(db), filter16.answered);
  log(`[${int(size)}] GET /Users?filter=userName eq, 1 connection`);
  const filter1 = await runLoad({ ...common, connections: 1, next: filter.next, expectStatus: [200] });

  counters = await dbCounters(db);
  // PATCH: each request adds the next 100 users that are not members yet; one IdP, one connection.
  log(
    `[${int(size)}] PATCH /Groups/{id} add ${PATCH_BATCH} members to the ${int(groupMembers)}-member group`,
  );
  const patch = await runLoad({
    ...common,
    warmupSec: 0,
    warmupRequests: 5,
    connections: 1,
    next: patchRequests(groupId, size, state),
    expectStatus: [200, 204],
  });

  dbPerRequest['PATCH add 100 members'] = perRequest(counters, await dbCounters(db), patch.answered);
  log(`[${int(size)}] GET /Groups/{id}?excludedAttributes=members, 1 connection`);
  const groupGet1 = await runLoad({ ...common, connections: 1, next: group.next, expectStatus: [200] });
  log(`[${int(size)}] GET /Groups/{id}?excludedAttributes=members, ${CONNECTIONS} connections`);
  const groupGet16 = await load16(common, group);

  log(`[${int(size)}] raw single-row INSERT transactions, ${CONNECTIONS} clients`);
  const baseline = await insertBaseline(db);
  log(`[${int(size)}] POST /Users, ${CONNECTIONS} connections`);
  counters = await dbCounters(db);
  const post16 = await load16(common, postWorkload(bearer, randomUUID().slice(0, 8)));

  dbPerRequest['POST /Users'] = perRequest(counters, await dbCounters(db), post16.answered);
  log(`[${int(size)}] EXPLAIN ANALYZE`);
  const explained = await explainAppQueries(db, {
    tenantId,
    groupId,
    existingUserName: randomUserName(size),
    nonMemberIds: Array.from({ length: PATCH_BATCH }, (_, k) => userId(size - k)),
  });

  for (const [name, result] of Object.entries({ filter16, filter1, patch, groupGet1, groupGet16, post16 })) {
    if (result.errors > 0) log(`  ${name}: ${result.errors} errors, first: ${result.firstError}`);
  }
  return {
    users: size,
    groupMembers,
    seedSeconds,
    filter16,
    filter1,
    patch,
    groupGet1,
    groupGet16,
    post16,
    insertBaseline: baseline,
    explained,
    dbPerRequest,
  };
}

async function machine(db: Client): Promise<string[]> {
  // current_setting() renders units itself ("128MB"); setting || unit gave "163848kB" for 16384 × 8kB.
  const settings = await db.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM pg_settings
      WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'max_connections', 'work_mem')
      ORDER BY name`,
  );
  const version = (await db.query<{ v: string }>(`SELECT version() AS v`)).rows[0].v;
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'migrations'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean).length;
  return [
    `- CPU: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'} (nproc ${os.availableParallelism()}), ` +
      `RAM ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}`,
    `- Node ${process.version}; ${version.split(',')[0]}`,
    `- PostgreSQL settings: ${settings.rows.map((row) => `${row.name}=${row.setting}`).join(', ')}`,
    `- Git commit: ${commit || 'unknown'}` +
      (dirty > 0
        ? ` plus ${dirty} uncommitted files in src/ and migrations/ (the working tree is what ran)`
        : '') +
      '; API, load generator, PostgreSQL and Redis share the same machine.',
  ];
}

function cpuCell(result: LoadResult): string {
  const { apiCores, postgresCores, loadGeneratorCores, machineBusy } = result.cpu;
  // Whatever else ran on the machine meanwhile (other PostgreSQL databases count as PostgreSQL).
  const other =
    machineBusy * os.availableParallelism() - (apiCores ?? 0) - postgresCores - loadGeneratorCores;
  return (
    `${apiCores === undefined ? 'n/a' : apiCores.toFixed(2)} / ${postgresCores.toFixed(2)} / ` +
    `${loadGeneratorCores.toFixed(2)} / ${Math.max(other, 0).toFixed(2)}, ${(machineBusy * 100).toFixed(0)} %`
  );
}

function cpuPerRequest(result: LoadResult): string {
  if (result.cpu.apiCores === undefined || result.rps === 0) return 'n/a';
  return ((result.cpu.apiCores * 1000) / result.rps).toFixed(2);
}

function verdict(ok: boolean) {
  return ok ? 'met' : '**missed**';
}

function report(
  phases: Phase[],
  coldStart: LoadResult | undefined,
  machineLines: string[],
  totalSeconds: number,
): string {
  const head = `| figure | ${phases.map((p) => `${int(p.users)} users`).join(' | ')} | target |`;
  const sep = `|---|${phases.map(() => '---|').join('')}---|`;
  const row = (label: string, cell: (p: Phase) => string, target = '') =>
    `| ${label} | ${phases.map(cell).join(' | ')} | ${target} |`;
  const lat = (r: LoadResult) => `${ms(r.p50)} / ${ms(r.p99)}`;
  const post = (p: Phase) => p.post16.rps / p.insertBaseline.tps;
  const lines = [
    '# Roster SCIM benchmark (issue 3)',
    '',
    `Generated ${new Date().toISOString()} by \`${COMMAND}\` in ${int(totalSeconds)} s.`,
    `Each run: ${WARMUP} s warm-up, then ${DURATION} s measured; closed loop over keep-alive connections; ` +
      'latency in ms per request (p50 / p99), req/s over the measured window.',
    `Load generator: ${LOAD_GENERATOR}.`,
    coldStart
      ? `Before the first run the API is warmed up for ${API_WARMUP} s on a tenant of its own, with the same requests ` +
        `(BENCH_API_WARMUP; bench/README.md says why). Its first ${COLD_START_SECONDS} s, the lookup at ` +
        `${CONNECTIONS} connections from a cold start: ${rate(coldStart.rps)} req/s, ` +
        `p50 / p99 ${ms(coldStart.p50)} / ${ms(coldStart.p99)} ms${coldStart.errors > 0 ? `, ${coldStart.errors} errors` : ''}.`
      : 'No warm-up of the API before the first run (BENCH_API_WARMUP=0).',
    `API: one Node process, NODE_ENV=production, LOG_LEVEL=${process.env.LOG_LEVEL ?? 'info'} ` +
      '(one access-log line per request at info, written to a file).',
    '',
    ...machineLines,
    '',
    head,
    sep,
    row('seed (bulk SQL + VACUUM ANALYZE + CHECKPOINT), s', (p) => p.seedSeconds.toFixed(1)),
    row('group size (members before PATCH)', (p) => int(p.groupMembers)),
    row(
      `1. GET /Users?filter=userName eq, ${CONNECTIONS} conn: req/s`,
      (p) => rate(p.filter16.rps),
      'report',
    ),
    row(`1. … ${CONNECTIONS} conn: p50 / p99 ms`, (p) => lat(p.filter16), `p99 < ${TARGETS.filterP99}`),
    row('1. … 1 conn: req/s, p50 / p99 ms', (p) => `${rate(p.filter1.rps)}, ${lat(p.filter1)}`, 'reference'),
    row(
      '2. PATCH add 100 members, 1 conn: requests, p50 / p99 ms',
      (p) => `${int(p.patch.requests)}, ${lat(p.patch)}`,
      `p99 < ${TARGETS.patchP99}`,
    ),
    row(
      '3. GET /Groups/{id}?excludedAttributes=members, 1 conn: p50 / p99 ms',
      (p) => lat(p.groupGet1),
      `p99 < ${TARGETS.groupGetP99}`,
    ),
    row(
      `3. … ${CONNECTIONS} conn: req/s, p50 / p99 ms`,
      (p) => `${int(p.groupGet16.rps)}, ${lat(p.groupGet16)}`,
      'reference',
    ),
    row(`4. POST /Users, ${CONNECTIONS} conn: req/s`, (p) => int(p.post16.rps), 'report'),
    row(`4. … p50 / p99 ms`, (p) => lat(p.post16)),
    row(
      `4. raw single-row INSERT tx, ${CONNECTIONS} clients: tx/s`,
      (p) =>
        `${int(p.insertBaseline.tps)} (${p.insertBaseline.tool}` +
        (p.insertBaseline.latencyAvg !== undefined ? `, avg ${ms(p.insertBaseline.latencyAvg)} ms` : '') +
        (p.insertBaseline.p99 !== undefined
          ? `, p50/p99 ${ms(p.insertBaseline.p50 ?? NaN)}/${ms(p.insertBaseline.p99)} ms`
          : '') +
        ')',
    ),
    row('4. POST req/s ÷ raw INSERT tx/s', (p) => `${(post(p) * 100).toFixed(1)} %`, '≥ 33 %'),
    row(
      `CPU (cores of ${os.availableParallelism()}) API / PostgreSQL / load generator / other, machine busy: filter 16 conn`,
      (p) => cpuCell(p.filter16),
    ),
    row('… group GET 16 conn', (p) => cpuCell(p.groupGet16)),
    row('… POST 16 conn', (p) => cpuCell(p.post16)),
    row('… PATCH 1 conn', (p) => cpuCell(p.patch)),
    row('API process CPU per request, ms: filter / group GET / POST / PATCH', (p) =>
      [p.filter16, p.groupGet16, p.post16, p.patch].map(cpuPerRequest).join(' / '),
    ),
    row(
      'errors (non-2xx) across runs',
      (p) =>
        int(
          [p.filter16, p.filter1, p.patch, p.groupGet1, p.groupGet16, p.post16].reduce(
            (n, r) => n + r.errors,
            0,
          ),
        ),
      '0',
    ),
    '',
    '## Targets',
    '',
    ...phases.map(
      (p) =>
        `- ${int(p.users)} users: filter p99 ${verdict(p.filter16.p99 < TARGETS.filterP99)}, ` +
        `PATCH p99 ${verdict(p.patch.p99 < TARGETS.patchP99)}, ` +
        `group GET p99 ${verdict(p.groupGet1.p99 < TARGETS.groupGetP99)}, ` +
        `POST ≥ ⅓ raw INSERT ${verdict(post(p) >= TARGETS.postRatio)}`,
    ),
  ];
  if (phases.length > 1) {
    const [small, large] = [phases[0], phases[phases.length - 1]];
    const change = (a: number, b: number) => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(0)} %`;
    lines.push(
      '',
      `## From ${int(small.users)} to ${int(large.users)} users`,
      '',
      `- filter GET (${CONNECTIONS} conn): req/s ${rate(small.filter16.rps)} → ${rate(large.filter16.rps)} ` +
        `(${change(small.filter16.rps, large.filter16.rps)}), ` +
        `p99 ${ms(small.filter16.p99)} → ${ms(large.filter16.p99)} ms`,
      `- PATCH add 100: p99 ${ms(small.patch.p99)} → ${ms(large.patch.p99)} ms ` +
        `(group of ${int(small.groupMembers)} → ${int(large.groupMembers)} members)`,
      `- group GET: p99 ${ms(small.groupGet1.p99)} → ${ms(large.groupGet1.p99)} ms`,
      `- POST /Users: req/s ${int(small.post16.rps)} → ${int(large.post16.rps)} (${change(small.post16.rps, large.post16.rps)})`,
    );
  }
  lines.push(
    '',
    '## Database work per request',
    '',
    'From pg_stat_database / pg_stat_user_tables around each run, divided by the requests answered ' +
      '(warm-up included; background jobs such as the outbox relay count too): commits, and rows ' +
      'inserted (+), updated (~), deleted (-) per table.',
    '',
  );
  for (const phase of phases) {
    for (const [name, text] of Object.entries(phase.dbPerRequest)) {
      lines.push(`- ${int(phase.users)} users, ${name}: ${text}`);
    }
  }
  lines.push('', '## EXPLAIN ANALYZE of the SQL the app runs (after the load runs)', '');
  for (const phase of phases) {
    lines.push(`### ${int(phase.users)} users`, '');
    for (const statement of phase.explained) {
      lines.push(
        `**${statement.label}** — ${ms(statement.executionMs)} ms`,
        '',
        '```sql',
        statement.sql,
        '```',
        '',
        '```',
        statement.plan,
        '```',
        '',
      );
    }
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  const seeders = [db, new Client({ connectionString: DATABASE_URL })];
  await seeders[1].connect();
  try {
    const { tenantId, bearer } = await createTenant();
    const groupId = randomUUID();
    await seedGroup(db, tenantId, groupId, 'bench-big-group');
    log(`tenant ${tenantId}, group ${groupId}; sizes ${SIZES.map(int).join(', ')}`);
    const ctx = { tenantId, bearer, groupId, state: { users: 0, nextPatchUser: 1 } };
    const coldStart = await warmUpApi(db, seeders);
    const phases: Phase[] = [];
    for (const size of SIZES) phases.push(await runPhase(db, seeders, ctx, size));
    const text = report(
      phases,
      coldStart,
      await machine(db),
      Number(process.hrtime.bigint() - started) / 1e9,
    );
    mkdirSync(path.dirname(OUTPUT), { recursive: true });
    writeFileSync(OUTPUT, text);
    console.log(text.split('\n## EXPLAIN')[0]);
    log(`report with query plans: ${OUTPUT}`);
  } finally {
    await seeders[1].end();
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
