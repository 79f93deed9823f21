/** Connection details the test scripts export (scripts/test.sh starts PostgreSQL and Redis). */
export function testDatabaseUrl(database: string): string {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set: run the tests with `npm test`');
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export function testRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run the tests with `npm test`');
  return url;
}

/** The migrated template of this run (set by global-setup.ts). */
export function templateDatabase(): string {
  const name = process.env.ROSTER_TEST_TEMPLATE;
  if (!name) throw new Error('ROSTER_TEST_TEMPLATE is not set: run e2e tests through jest.e2e.config.js');
  return name;
}
