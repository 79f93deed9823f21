/**
 * Audit search and diagnoseUser at scale (issue 6). Seeds AUDIT_BENCH_EVENTS audit events
 * (default 10,000,000) across AUDIT_BENCH_TENANTS tenants (default 1,000) in bulk SQL
 * (INSERT ... SELECT generate_series, one statement per month, spread over 13 monthly
 * partitions), then measures through the real GraphQL API (Fastify inject, no network):
 *  - auditEvents(tenantId, search: <email>) within one tenant: target p99 < 50 ms
 *  - diagnoseUser(tenantId, loginId): target < 100 ms
 * Run: bash scripts/bench-audit.sh (uses its own database, roster_audit_bench).
 */
import 'reflect-metadata';

import { performance } from 'node:perf_hooks';

import { Client } from 'pg';
import pino from 'pino';
import { DataSource } from 'typeorm';

import { loadConfig } from '../src/config/config';
import { dataSourceOptions } from '../src/database/data-source-options';
import { createHttpApp } from '../src/http/create-http-app';

const EVENTS = Number(process.env.AUDIT_BENCH_EVENTS ?? 10_000_000);
const TENANTS = Number(process.env.AUDIT_BENCH_TENANTS ?? 1_000);
const USERS_PER_TENANT = Number(process.env.AUDIT_BENCH_USERS_PER_TENANT ?? 2_000);
const SAMPLES = Number(process.env.AUDIT_BENCH_SAMPLES ?? 500);
const MONTHS = 13;
const DB = process.env.AUDIT_BENCH_DATABASE ?? 'roster_audit_bench';
const MANAGEMENT_KEY = 'bench-management-key-0123456789abcdef0123';

const log = (line: string) => process.stderr.write(`[audit-bench] ${line}\n`);
const tenantSql = (expr: string) => `md5('bench-tenant-' || (${expr}))::uuid`;
const LAST = `(ARRAY['smith','jones','garcia','miller','davis','martinez','lopez','wilson','anderson','thomas','taylor','moore','jackson','white','harris','clark'])`;
const FIRST = `(ARRAY['anna','ben','chloe','david','emma','felix','grace','hugo','ines','jack','kim','liam','maya','noah','olga','pablo'])`;
const email = (u: string, t: string) =>
  `${FIRST}[(${u}) % 16 + 1] || '.' || ${LAST}[((${u}) / 16) % 16 + 1] || (${u}) || '@tenant' || (${t}) || '.example.com'`;
const TYPES = `(ARRAY['scim.user.read','scim.users.listed','scim.user.updated','scim.user.read','scim.group.members_added',
  'scim.users.listed','scim.user.created','scim.user.read','scim.groups.listed','scim.user.updated','scim.request.failed',
  'scim.user.deactivated','scim.user.read','scim.users.listed','scim.group.read','scim.user.reactivated',
  'session.created','scim.user.read','scim.users.listed','scim.auth.failed'])`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is required');
  const adminUrl = new URL(base);
  adminUrl.pathname = '/postgres';
  const url = new URL(base);
  url.pathname = `/${DB}`;
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB} TEMPLATE template0 ENCODING 'UTF8'`);
  await admin.end();

  const migrator = new DataSource(dataSourceOptions(url.toString(), 'audit-bench-migrate'));
  await migrator.initialize();
  await migrator.runMigrations({ transaction: 'each' });
  await migrator.destroy();

  const db = new Client({ connectionString: url.toString() });
  await db.connect();
  const seedStart = performance.now();
  await db.query(`SET synchronous_commit = off`);
  await db.query(
    `INSERT INTO tenant (id, name) SELECT ${tenantSql('t')}, 'Bench tenant ' || t FROM generate_series(0, $1 - 1) t`,
    [TENANTS],
  );
  await db.query(
    `SELECT audit_event_ensure_partitions((date_trunc('month', now()) - interval '${MONTHS - 1} months')::date, ${MONTHS + 2})`,
  );
  // Secondary indexes are built once after the load (far faster than maintaining them row by row).
  const indexes = await db.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_event' AND indexname <> 'pk_audit_event'`,
  );
  for (const { indexname } of indexes.rows) await db.query(`DROP INDEX "${indexname}"`);
  const perMonth = Math.ceil(EVENTS / MONTHS);
  for (let m = 0; m < MONTHS; m++) {
    const from = m * perMonth;
    const to = Math.min(EVENTS, from + perMonth) - 1;
    if (from > to) break;
    const started = performance.now();
    // Event i: tenant i % T, user (i / T) % U of that tenant, in month m (oldest first).
    await db.query(
      `INSERT INTO audit_event (id, occurred_at, tenant_id, category, type, outcome, actor_key_id, actor_name,
              target_id, target_login, target_email, target_display_name, http_status, request_id, user_agent, source_ip)
       SELECT gen_random_uuid(),
              date_trunc('month', now()) - make_interval(months => ${MONTHS - 1 - m})
                + (random() * (CASE WHEN ${m} = ${MONTHS - 1} THEN now() - date_trunc('month', now())
                                    ELSE interval '28 days' END)),
              ${tenantSql('i % $3')},
              CASE WHEN ty LIKE 'session.%' THEN 'SessionEvent' ELSE 'SCIMEvent' END,
              ty,
              CASE WHEN ty IN ('scim.request.failed', 'scim.auth.failed') THEN 'failure' ELSE 'success' END,
              ${tenantSql("'key' || (i % $3)")}, 'okta-key',
              md5('u' || (i % $3) || '-' || u)::uuid::text, e, e, 'User ' || u,
              CASE WHEN ty = 'scim.request.failed' THEN 409 WHEN ty = 'scim.auth.failed' THEN 401 ELSE 200 END,
              md5(i::text), 'Okta SCIM Client 1.0.0', '10.0.' || (i % 250) || '.1'
         FROM generate_series($1::bigint, $2::bigint) i
         CROSS JOIN LATERAL (SELECT (i / $3) % $4 AS u, ${TYPES}[(i * 7 + i / 13) % 20 + 1] AS ty) x
         CROSS JOIN LATERAL (SELECT ${email('x.u', 'i % $3')} AS e) y`,
      [from, to, TENANTS, USERS_PER_TENANT],
    );
    log(
      `month ${m + 1}/${MONTHS}: ${to - from + 1} events in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  for (const { indexname, indexdef } of indexes.rows) {
    const started = performance.now();
    // pg_indexes shows the parent's definition as ON ONLY: build it on every partition instead.
    await db.query(indexdef.replace(' ON ONLY ', ' ON '));
    log(`index ${indexname} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  await db.query(`ANALYZE audit_event`);
  // The sampled tenants get their SCIM users (diagnoseUser reads them) and an expired key.
  const sampleTenants = [1, 7, 42, 333, Math.max(0, TENANTS - 1)].filter((t) => t < TENANTS);
  for (const t of sampleTenants) {
    await db.query(
      `INSERT INTO scim_user (tenant_id, id, user_name, display_name, active, email_values, primary_email, data)
       SELECT ${tenantSql('$1::int')}, md5('u' || $1 || '-' || u)::uuid, e, 'User ' || u, u % 10 <> 0, ARRAY[e], e, '{}'::jsonb
         FROM generate_series(0, $2 - 1) u CROSS JOIN LATERAL (SELECT ${email('u', '$1::int')} AS e) y
       ON CONFLICT DO NOTHING`,
      [t, USERS_PER_TENANT],
    );
  }
  const {
    rows: [{ count, size }],
  } = await db.query<{ count: string; size: string }>(
    `SELECT (SELECT count(*) FROM audit_event)::text AS count,
            (SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits
              WHERE inhparent = 'audit_event'::regclass) AS size`,
  );
  const seedSeconds = (performance.now() - seedStart) / 1000;
  log(`seeded ${count} events (${size}) in ${seedSeconds.toFixed(0)} s`);

  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url.toString(),
    PROJECT_ID: 'Pbench',
    MANAGEMENT_KEY,
    QUEUE_PREFIX: `audit-bench-${process.pid}`,
    LOG_LEVEL: 'silent',
  });
  const app = await createHttpApp(config, { runWorker: false, logger: pino({ level: 'silent' }) });
  const fastify = app.getHttpAdapter().getInstance();
  const gql = async (query: string, variables: Record<string, unknown>) => {
    const started = performance.now();
    const response = await fastify.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: `Bearer Pbench:${MANAGEMENT_KEY}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ query, variables }),
    });
    const ms = performance.now() - started;
    const body = JSON.parse(response.body) as { errors?: unknown[]; data?: Record<string, any> };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { ms, data: body.data ?? {} };
  };
  const pick = (n: number) => {
    const t = sampleTenants[n % sampleTenants.length];
    const u = (n * 7919) % USERS_PER_TENANT;
    const first = [
      'anna',
      'ben',
      'chloe',
      'david',
      'emma',
      'felix',
      'grace',
      'hugo',
      'ines',
      'jack',
      'kim',
      'liam',
      'maya',
      'noah',
      'olga',
      'pablo',
    ][u % 16];
    const last = [
      'smith',
      'jones',
      'garcia',
      'miller',
      'davis',
      'martinez',
      'lopez',
      'wilson',
      'anderson',
      'thomas',
      'taylor',
      'moore',
      'jackson',
      'white',
      'harris',
      'clark',
    ][Math.floor(u / 16) % 16];
    return { t, email: `${first}.${last}${u}@tenant${t}.example.com` };
  };
  const tenantIds = new Map<number, string>();
  for (const t of sampleTenants) {
    const { rows } = await db.query<{ id: string }>(`SELECT ${tenantSql('$1::int')} AS id`, [t]);
    tenantIds.set(t, rows[0].id);
  }

  const SEARCH = `query($t: ID!, $s: String) { auditEvents(tenantId: $t, search: $s, first: 50) { nodes { id type occurredAt } pageInfo { hasNextPage endCursor } } }`;
  const DIAG = `query($t: ID!, $l: String!) { diagnoseUser(tenantId: $t, loginId: $l) { verdict roles unmappedGroups firstPush { occurredAt } events { type } recentAuthFailures { reason } } }`;
  const measure = async (name: string, run: (n: number) => Promise<{ ms: number }>) => {
    for (let n = 0; n < 20; n++) await run(n + 100_000); // warm-up
    const times: number[] = [];
    for (let n = 0; n < SAMPLES; n++) times.push((await run(n)).ms);
    times.sort((a, b) => a - b);
    const line = `${name}: n=${times.length} p50=${percentile(times, 50).toFixed(1)} ms p95=${percentile(times, 95).toFixed(1)} ms p99=${percentile(times, 99).toFixed(1)} ms max=${times[times.length - 1].toFixed(1)} ms`;
    log(line);
    return line;
  };
  let hits = 0;
  const results = [
    await measure('auditEvents search by email (one tenant)', async (n) => {
      const { t, email: e } = pick(n);
      const result = await gql(SEARCH, { t: tenantIds.get(t), s: e.toUpperCase() });
      hits += (result.data.auditEvents as { nodes: unknown[] }).nodes.length;
      return result;
    }),
    await measure('auditEvents newest page (one tenant, no filter)', (n) =>
      gql(SEARCH, { t: tenantIds.get(pick(n).t), s: null }),
    ),
    await measure('diagnoseUser', (n) => {
      const { t, email: e } = pick(n);
      return gql(DIAG, { t: tenantIds.get(t), l: e });
    }),
  ];
  const { t, email: e } = pick(3);
  const plan = await db.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM audit_event WHERE tenant_id = $1
       AND (lower(target_login) = $2 OR lower(target_email) = $2) ORDER BY occurred_at DESC, id DESC LIMIT 51`,
    [tenantIds.get(t), e.toLowerCase()],
  );
  await app.close();
  await db.end();
  const report = [
    `# Audit benchmark`,
    ``,
    `command: AUDIT_BENCH_EVENTS=${EVENTS} bash scripts/bench-audit.sh`,
    `events: ${count} across ${TENANTS} tenants, ${MONTHS} monthly partitions, ${size}; seeded in ${seedSeconds.toFixed(0)} s`,
    `search hits: ${(hits / SAMPLES).toFixed(1)} events per searched email on average`,
    ``,
    ...results.map((line) => `- ${line}`),
    ``,
    'Plan of the search query:',
    '```',
    ...plan.rows.map((row) => row['QUERY PLAN']),
    '```',
  ].join('\n');
  process.stdout.write(`${report}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`audit bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
