import { DataSource, EntityManager, QueryFailedError, QueryResult } from 'typeorm';

interface PgQueryConfig {
  name?: string;
  text: string;
  values: unknown[];
}

/** The part of a pg Pool or PoolClient this module uses. */
interface PgQueryable {
  query(config: PgQueryConfig): Promise<{ rows: unknown[] }>;
}

/**
 * Distinct statement texts that run as named (prepared) statements. The filter compiler makes one
 * text per filter shape, never per value, so IdP traffic uses a handful; a client sending endless
 * new shapes only makes the texts past this bound run unnamed, because a connection keeps every
 * statement it prepares until it closes.
 */
const MAX_PREPARED_STATEMENTS = 500;
const statementNames = new Map<string, string>();

/**
 * One statement on the pg driver itself, as a prepared statement where it can be.
 *
 * PostgreSQL then parses a text once per connection and, after five runs, may keep a generic
 * plan: planning took 0.3 ms of a 0.05 ms `userName eq` lookup (bench/results/latest.md), and
 * pgbench ran that lookup 3x faster prepared. Outside a transaction the statement goes to the
 * pool; TypeORM's per-query runner (acquire, log, wrap, release) costs more CPU than an indexed
 * lookup. Inside a transaction it runs on the transaction's own connection. Errors are
 * TypeORM's QueryFailedError either way, so callers test them one way (unique-violation.ts).
 */
export async function sqlQuery<Row>(manager: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
  const target = queryableOf(manager);
  if (!target) {
    // A query runner outside its transaction takes TypeORM's own path, asked for plain records; a
    // manager without the pg driver (the benchmark's EXPLAIN wrapper) answers the query itself.
    const runner = manager.queryRunner;
    if (!runner) return manager.query<Row[]>(sql, params);
    return ((await runner.query(sql, params, true)) as QueryResult<Row>).records;
  }
  const name = statementName(sql);
  try {
    const result = await target.query(
      name ? { name, text: sql, values: params } : { text: sql, values: params },
    );
    return result.rows as Row[];
  } catch (error) {
    throw new QueryFailedError(sql, params, error as Error);
  }
}

function statementName(sql: string): string | undefined {
  const known = statementNames.get(sql);
  if (known !== undefined || statementNames.size >= MAX_PREPARED_STATEMENTS) return known;
  const name = `roster_${statementNames.size + 1}`;
  statementNames.set(sql, name);
  return name;
}

/** The pool outside a transaction, the transaction's connection inside one, else nothing. */
function queryableOf(manager: EntityManager): PgQueryable | undefined {
  const runner = manager.queryRunner;
  if (runner) {
    // PostgresQueryRunner keeps its pg client here once connected (a transaction has connected it).
    const client = (runner as unknown as { databaseConnection?: PgQueryable }).databaseConnection;
    return runner.isTransactionActive && !runner.isReleased ? client : undefined;
  }
  return pgPoolOf(manager.connection as DataSource | undefined);
}

/** The pg Pool behind TypeORM's Postgres driver (its `master`), or undefined for any other driver. */
export function pgPoolOf<Pool = PgQueryable>(dataSource: DataSource | undefined): Pool | undefined {
  return (dataSource?.driver as { master?: Pool } | undefined)?.master;
}
