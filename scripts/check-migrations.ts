// Fails when the entities describe a schema the migrations do not build (run by npm test).
// Migrates a fresh database, then asks TypeORM what it would change to match the entities.
import 'reflect-metadata';

import { Client } from 'pg';
import { DataSource } from 'typeorm';

import { dataSourceOptions } from '../src/database/data-source-options';

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is required');
  const adminUrl = new URL(base);
  adminUrl.pathname = '/postgres';
  const database = 'roster_migration_check';
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8'`);
  const url = new URL(base);
  url.pathname = `/${database}`;
  const dataSource = new DataSource(dataSourceOptions(url.toString(), 'roster-migration-check'));
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    const pending = await dataSource.driver.createSchemaBuilder().log();
    if (pending.upQueries.length > 0) {
      console.error('Entities and migrations disagree. A migration would need:');
      for (const query of pending.upQueries) console.error(`  ${query.query.trim()};`);
      console.error('Write one with: npm run migration:generate -- WhatItDoes');
      process.exitCode = 1;
    } else {
      // Down migrations must work too: revert everything, then apply again.
      while ((await dataSource.query(`SELECT count(*)::int AS n FROM schema_migration`))[0].n > 0) {
        await dataSource.undoLastMigration({ transaction: 'each' });
      }
      await dataSource.runMigrations({ transaction: 'each' });
      console.log('migrations match the entities, and revert cleanly');
    }
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
