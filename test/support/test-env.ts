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

export const TEMPLATE_DATABASE = 'roster_test_template';
