import { GUARDS_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { RESOLVER_TYPE_METADATA } from '@nestjs/graphql/dist/graphql.constants';

import { PUBLIC_ROUTE } from '../../src/modules/admin-auth/public.decorator';
import { startTestApp, TEST_MANAGEMENT_KEY, TestApp } from '../support/test-app';

describe('admin API authentication', () => {
  let ctx: TestApp;

  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  it.each([
    ['no bearer', ''],
    ['a wrong management key', `Bearer Ptest:${'y'.repeat(40)}`],
    ['a wrong project', `Bearer Pother:${TEST_MANAGEMENT_KEY}`],
    ['the key without a project', `Bearer ${TEST_MANAGEMENT_KEY}`],
  ])('refuses %s with UNAUTHENTICATED', async (_, bearer) => {
    const result = await ctx.gql(`query { tenants { totalCount } }`, {}, bearer);
    expect(result.data).toBeFalsy();
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps the schema from unauthenticated callers: introspection needs the bearer too', async () => {
    const anonymous = await ctx.gql(`{ __schema { queryType { name } } }`, {}, '');
    expect(anonymous.data).toBeFalsy();
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const admin = await ctx.gql(`{ __schema { queryType { name } } }`);
    expect(admin.data.__schema.queryType.name).toBe('Query');
  });

  it('refuses a mutation without the management bearer and writes nothing', async () => {
    const result = await ctx.gql(`mutation { createTenant(input: { name: "intruder" }) { id } }`, {}, '');
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const [row] = await ctx.db.query(`SELECT count(*)::int AS n FROM tenant WHERE name = 'intruder'`);
    expect(row.n).toBe(0);
  });

  it('has a guard (or an explicit @Public reason) on every resolver and controller', () => {
    const reflector = ctx.app.get(Reflector);
    const modules = ctx.app.get(ModulesContainer);
    const unguarded: string[] = [];
    let checked = 0;
    for (const module of modules.values()) {
      const classes = [
        ...[...module.controllers.values()].map((wrapper) => wrapper.metatype),
        ...[...module.providers.values()]
          .map((wrapper) => wrapper.metatype)
          .filter(
            (type) =>
              typeof type === 'function' && Reflect.getMetadata(RESOLVER_TYPE_METADATA, type) !== undefined,
          ),
      ].filter((type): type is new (...args: never[]) => unknown => typeof type === 'function');
      for (const type of classes) {
        // Skip framework internals (Apollo, Nest) — only our own source is checked.
        if (
          !Object.values(require.cache).some(
            (m) => m?.exports && Object.values(m.exports).includes(type) && m.filename.includes('/src/'),
          )
        ) {
          continue;
        }
        checked++;
        const classGuards = reflector.get<unknown[]>(GUARDS_METADATA, type) ?? [];
        const isPublic = reflector.get<string>(PUBLIC_ROUTE, type) !== undefined;
        if (classGuards.length > 0 || isPublic) continue;
        const methods = Object.getOwnPropertyNames(type.prototype).filter((name) => name !== 'constructor');
        for (const method of methods) {
          const handler = (type.prototype as Record<string, unknown>)[method];
          if (typeof handler !== 'function') continue;
          const guards = reflector.get<unknown[]>(GUARDS_METADATA, handler as () => void) ?? [];
          if (guards.length === 0 && reflector.get(PUBLIC_ROUTE, handler as () => void) === undefined) {
            unguarded.push(`${type.name}.${method}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4);
    expect(unguarded).toEqual([]);
  });
});
