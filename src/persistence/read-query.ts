import { EntityManager } from 'typeorm';

interface PgPool {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * A read outside any transaction goes straight to the pg pool: TypeORM's per-query runner
 * (acquire, log, wrap, release) costs more CPU than an indexed lookup on the SCIM hot path.
 * Inside a transaction, or with any other manager, the manager's own query is used.
 */
export async function readQuery<Row>(manager: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
  const pool = manager.queryRunner ? undefined : poolOf(manager);
  if (!pool) return manager.query<Row[]>(sql, params);
  const result = await pool.query(sql, params);
  return result.rows as Row[];
}

function poolOf(manager: EntityManager): PgPool | undefined {
  const connection = manager.connection as EntityManager['connection'] | undefined;
  const driver = connection?.driver as { master?: PgPool } | undefined;
  return driver?.master;
}
