import { randomUUID } from 'node:crypto';

import { QueryFailedError } from 'typeorm';

import { UnitOfWork } from '../../src/database/unit-of-work';
import { sqlQuery } from '../../src/persistence/sql-query';
import { isUniqueViolation } from '../../src/persistence/unique-violation';
import { startTestApp, TestApp } from '../support/test-app';

describe('sqlQuery: statements on the pg driver, prepared', () => {
  let ctx: TestApp;

  beforeAll(async () => {
    ctx = await startTestApp();
    await ctx.db.query(`CREATE TABLE sql_query_probe (id uuid PRIMARY KEY, label text NOT NULL)`);
  });
  afterAll(async () => {
    await ctx.db.query(`DROP TABLE IF EXISTS sql_query_probe`);
    await ctx.close();
  });

  it('prepares a statement once per connection and reuses it', async () => {
    const text = `SELECT $1::int + 1 AS next /* ${randomUUID()} */`;
    await ctx.app.get(UnitOfWork).run(async (tx) => {
      expect(await sqlQuery(tx.manager, text, [1])).toEqual([{ next: 2 }]);
      expect(await sqlQuery(tx.manager, text, [41])).toEqual([{ next: 42 }]);
      // The view lists the statements this connection prepared: ours once, under one name.
      const prepared = await sqlQuery<{ name: string }>(
        tx.manager,
        `SELECT name FROM pg_prepared_statements WHERE statement = $1`,
        [text],
      );
      expect(prepared).toHaveLength(1);
      expect(prepared[0].name).toMatch(/^roster_\d+$/);
    });
  });

  it('answers UPDATE and DELETE with their returned rows, in and outside a transaction', async () => {
    const id = randomUUID();
    await sqlQuery(ctx.db.manager, `INSERT INTO sql_query_probe (id, label) VALUES ($1, $2)`, [id, 'a']);
    const updated = await sqlQuery<{ label: string }>(
      ctx.db.manager,
      `UPDATE sql_query_probe SET label = $2 WHERE id = $1 RETURNING label`,
      [id, 'b'],
    );
    expect(updated).toEqual([{ label: 'b' }]);
    await ctx.app.get(UnitOfWork).run(async (tx) => {
      const deleted = await sqlQuery<{ id: string }>(
        tx.manager,
        `DELETE FROM sql_query_probe WHERE id = $1 RETURNING id`,
        [id],
      );
      expect(deleted).toEqual([{ id }]);
    });
  });

  it('runs on a query runner outside any transaction too, answering with rows', async () => {
    const id = randomUUID();
    await sqlQuery(ctx.db.manager, `INSERT INTO sql_query_probe (id, label) VALUES ($1, 'r')`, [id]);
    const runner = ctx.db.createQueryRunner();
    try {
      const updated = await sqlQuery<{ label: string }>(
        runner.manager,
        `UPDATE sql_query_probe SET label = 's' WHERE id = $1 RETURNING label`,
        [id],
      );
      expect(updated).toEqual([{ label: 's' }]);
    } finally {
      await runner.release();
    }
  });

  it('raises QueryFailedError with the SQLSTATE, so a unique violation is recognised on every path', async () => {
    const id = randomUUID();
    const insert = `INSERT INTO sql_query_probe (id, label) VALUES ($1, 'x')`;
    await sqlQuery(ctx.db.manager, insert, [id]);
    const outside = await sqlQuery(ctx.db.manager, insert, [id]).catch((error: unknown) => error);
    expect(outside).toBeInstanceOf(QueryFailedError);
    expect(isUniqueViolation(outside)).toBe(true);
    const inside = await ctx.app
      .get(UnitOfWork)
      .run((tx) => sqlQuery(tx.manager, insert, [id]))
      .catch((error: unknown) => error);
    expect(isUniqueViolation(inside)).toBe(true);
  });

  it('rolls a failed transaction back whole: a statement on the driver is part of it', async () => {
    const id = randomUUID();
    await ctx.app
      .get(UnitOfWork)
      .run(async (tx) => {
        await sqlQuery(tx.manager, `INSERT INTO sql_query_probe (id, label) VALUES ($1, 'y')`, [id]);
        throw new Error('abort');
      })
      .catch(() => undefined);
    expect(await ctx.db.query(`SELECT 1 FROM sql_query_probe WHERE id = $1`, [id])).toEqual([]);
  });
});

describe('DATABASE_POOL_SIZE', () => {
  let ctx: TestApp;

  beforeAll(async () => {
    ctx = await startTestApp({ env: { DATABASE_POOL_SIZE: '3' } });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('bounds the connections the process opens: twelve concurrent statements share three backends', async () => {
    const pids = await Promise.all(
      Array.from({ length: 12 }, () =>
        sqlQuery<{ pid: number }>(ctx.db.manager, `SELECT pg_backend_pid() AS pid, pg_sleep(0.05)`, []),
      ),
    );
    const distinct = new Set(pids.map((rows) => rows[0].pid));
    expect(distinct.size).toBeLessThanOrEqual(3);
    expect(distinct.size).toBeGreaterThan(1);
  });
});
