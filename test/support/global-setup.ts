import 'reflect-metadata';

import { Client } from 'pg';
import { DataSource } from 'typeorm';

import { dataSourceOptions } from '../../src/database/data-source-options';
import { testDatabaseUrl } from './test-env';

/** Leftovers of runs that died more than this long ago are dropped. */
const STALE_AFTER_SECONDS = 3_600;

/**
 * Migrates a template database for this run; every test file clones it (25 ms) and drops its
 * clone at the end, so test files never share rows, queues or clocks. Names carry their creation
 * time, so concurrent runs leave each other alone and only stale leftovers are cleaned up.
 */
export default async function globalSetup(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const template = `roster_test_t_${now}_${process.pid}`;
  const admin = new Client({ connectionString: testDatabaseUrl('postgres') });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname ~ '^roster_test_(t|f)_[0-9]+_'`,
    );
    for (const { datname } of rows) {
      const created = Number(datname.split('_')[3]);
      if (now - created > STALE_AFTER_SECONDS)
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE "${template}" TEMPLATE template0 ENCODING 'UTF8'`);
  } finally {
    await admin.end();
  }
  const dataSource = new DataSource(dataSourceOptions(testDatabaseUrl(template), 'roster-test-setup'));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  // Workers inherit the environment: they clone this template.
  process.env.ROSTER_TEST_TEMPLATE = template;
}
