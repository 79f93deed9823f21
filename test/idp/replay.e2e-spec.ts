import { provisionedTenant } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { loadFixtures } from './support/replay';
import { replay } from './support/replay';

/**
 * Every recorded IdP flow in fixtures/, replayed end to end against the real server, each in a
 * fresh tenant. A fixture fails on the first step whose answer differs from what it expects.
 */
describe('IdP fixtures replayed end to end', () => {
  let ctx: TestApp;

  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  const fixtures = loadFixtures();

  it('has fixtures, each citing a public documentation page', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    for (const { file, fixture } of fixtures) {
      expect({ file, source: fixture.source }).toEqual({
        file,
        source: expect.stringMatching(/^https:\/\//),
      });
      expect(fixture.steps.length).toBeGreaterThan(0);
    }
  });

  it.each(fixtures.map(({ file, fixture }) => [file, fixture] as const))('%s', async (_file, fixture) => {
    const { key } = await provisionedTenant(ctx);
    const { results } = await replay(ctx, fixture, key.bearer);
    expect(results).toHaveLength(fixture.steps.length);
    // Bad input never yields a 500: no step of any IdP flow may produce one.
    expect(results.filter((result) => result.response.status >= 500)).toEqual([]);
  });
});
