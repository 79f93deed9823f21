import { randomUUID } from 'node:crypto';

import { QueryFailedError } from 'typeorm';

import { copyRows } from '../../src/persistence/copy-rows';
import { copyLine } from '../../src/persistence/copy-text';
import { startTestApp, TestApp } from '../support/test-app';

describe('copyRows: COPY FROM STDIN on a pooled connection', () => {
  let ctx: TestApp;
  const COPY = 'COPY copy_rows_probe (id, label, tags, details, at, n) FROM STDIN';

  beforeAll(async () => {
    ctx = await startTestApp();
    await ctx.db.query(
      `CREATE TABLE copy_rows_probe (id uuid PRIMARY KEY, label text, tags text[], details jsonb,
         at timestamptz, n smallint)`,
    );
  });
  afterAll(async () => {
    await ctx.db.query(`DROP TABLE IF EXISTS copy_rows_probe`);
    await ctx.close();
  });

  it('loads what PostgreSQL reads back exactly, awkward characters included', async () => {
    const rows = [
      {
        id: randomUUID(),
        label: 'tab\there, newline\nthere, CR\r, backslash \\ and a literal \\N',
        tags: ['a"b', 'c\\d', 'e,f {g}', null],
        details: { filter: 'userName eq "x\\y"\n', nested: [1, 'ü', null] },
        at: new Date('2026-11-24T13:07:26.123Z'),
        n: 404,
      },
      { id: randomUUID(), label: null, tags: null, details: null, at: null, n: null },
    ];
    const text = rows
      .map((row) => copyLine([row.id, row.label, row.tags, row.details, row.at, row.n]))
      .join('');
    await copyRows(ctx.db, COPY, text);

    const stored = await ctx.db.query<Array<Record<string, unknown>>>(
      `SELECT id, label, tags, details, at, n FROM copy_rows_probe WHERE id = ANY($1::uuid[]) ORDER BY n NULLS LAST`,
      [rows.map((row) => row.id)],
    );
    expect(stored).toEqual(rows);
  });

  it('loads nothing of a batch with one bad row, and the pool keeps working', async () => {
    const good = randomUUID();
    const text =
      copyLine([good, 'ok', null, null, null, 1]) + copyLine(['not-a-uuid', 'bad', null, null, null, 2]);
    const failure = await copyRows(ctx.db, COPY, text).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as Error).message).toMatch(/uuid/);
    expect(await ctx.db.query(`SELECT 1 FROM copy_rows_probe WHERE id = $1`, [good])).toEqual([]);

    // Every pooled connection still answers (none is left in COPY mode).
    const answers = await Promise.all(Array.from({ length: 30 }, () => ctx.db.query(`SELECT 1 AS one`)));
    expect(answers.every((rows) => rows[0].one === 1)).toBe(true);
    await copyRows(ctx.db, COPY, copyLine([good, 'ok', null, null, null, 1]));
    expect(await ctx.db.query(`SELECT label FROM copy_rows_probe WHERE id = $1`, [good])).toEqual([
      { label: 'ok' },
    ]);
  });
});
