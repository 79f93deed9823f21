import { Client } from 'pg';

import { testDatabaseUrl } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.ROSTER_TEST_TEMPLATE;
  if (!template) return;
  const admin = new Client({ connectionString: testDatabaseUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
