import type { Client } from 'pg';

/** Counters of this database: committed transactions and rows written per table. */
export interface DbCounters {
  commits: number;
  tables: Record<string, { ins: number; upd: number; del: number }>;
}

export async function dbCounters(client: Client): Promise<DbCounters> {
  // Idle backends (the API's pool) report their counters after up to 10 s (PGSTAT_IDLE_INTERVAL).
  await new Promise((resolve) => setTimeout(resolve, 10_500));
  await client.query('SELECT pg_stat_clear_snapshot()');
  const db = await client.query<{ commits: string }>(
    `SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()`,
  );
  const tables = await client.query<{ relname: string; ins: string; upd: string; del: string }>(
    `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del FROM pg_stat_user_tables`,
  );
  return {
    commits: Number(db.rows[0]?.commits ?? 0),
    tables: Object.fromEntries(
      tables.rows.map((row) => [
        row.relname,
        { ins: Number(row.ins), upd: Number(row.upd), del: Number(row.del) },
      ]),
    ),
  };
}

/** "commits 5.0, scim_user +1.0, audit_event +1.0, ..." per request between two snapshots. */
export function perRequest(before: DbCounters, after: DbCounters, requests: number): string {
  if (requests === 0) return 'n/a';
  const parts = [`${((after.commits - before.commits) / requests).toFixed(1)} commits`];
  for (const [table, now] of Object.entries(after.tables)) {
    const then = before.tables[table] ?? { ins: 0, upd: 0, del: 0 };
    const changes = [
      ['+', now.ins - then.ins],
      ['~', now.upd - then.upd],
      ['-', now.del - then.del],
    ]
      .filter(([, delta]) => Number(delta) / requests >= 0.05)
      .map(([sign, delta]) => `${sign}${(Number(delta) / requests).toFixed(1)}`);
    if (changes.length > 0)
      parts.push(`${table.replace(/^audit_event_.*/, 'audit_event_*')} ${changes.join(' ')}`);
  }
  return parts.join(', ');
}
