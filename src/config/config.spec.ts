import { ConfigError, loadConfig } from './config';

const valid = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/roster',
  REDIS_URL: 'redis://127.0.0.1:6379',
  PROJECT_ID: 'P2demo',
  MANAGEMENT_KEY: 'x'.repeat(40),
};

describe('loadConfig', () => {
  it('applies defaults', () => {
    const config = loadConfig(valid);
    expect(config.PORT).toBe(3000);
    expect(config.PUBLIC_BASE_URL).toBe('http://localhost:3000');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.RUN_WORKERS_IN_PROCESS).toBe(false);
    expect(config.DATABASE_POOL_SIZE).toBe(10);
  });

  it('reads DATABASE_POOL_SIZE', () => {
    expect(loadConfig({ ...valid, DATABASE_POOL_SIZE: '4' }).DATABASE_POOL_SIZE).toBe(4);
  });

  it('strips a trailing slash from PUBLIC_BASE_URL', () => {
    expect(loadConfig({ ...valid, PUBLIC_BASE_URL: 'https://roster.example.com/' }).PUBLIC_BASE_URL).toBe(
      'https://roster.example.com',
    );
  });

  it.each([
    [{ DATABASE_URL: undefined }, /^Invalid configuration: DATABASE_URL is required/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /DATABASE_URL must start with postgres/],
    [{ REDIS_URL: 'not a url' }, /REDIS_URL must be a URL/],
    [{ PROJECT_ID: 'has:colon' }, /PROJECT_ID must be/],
    [{ MANAGEMENT_KEY: 'short' }, /MANAGEMENT_KEY must be at least 32/],
    [{ PORT: '99999' }, /PORT/],
    [{ PORT: 'abc' }, /PORT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ DATABASE_POOL_SIZE: '0' }, /DATABASE_POOL_SIZE/],
    [{ DATABASE_POOL_SIZE: 'many' }, /DATABASE_POOL_SIZE/],
    [{ PUBLIC_BASE_URL: 'nope' }, /PUBLIC_BASE_URL must be a URL/],
  ])('rejects %o with one line naming the variable', (override, message) => {
    const call = () => loadConfig({ ...valid, ...override });
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
