import { AuditBuffer } from '../../src/modules/audit/audit-buffer';
import { provisionedTenant } from '../support/factories';
import { newUser, scimClient } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import { AUDIT_QUERY } from './helpers';

describe('audit: auditEvents search', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  const query = async (variables: Record<string, unknown>) => {
    await ctx.app.get(AuditBuffer).flush();
    return ctx.gql(AUDIT_QUERY, variables);
  };

  it('finds a user by email or login ID case-insensitively, newest first, within the tenant only', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const other = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    const user = newUser({
      userName: 'Jane.Doe',
      emails: [{ value: 'jane.doe@corp.example', primary: true }],
    });
    const id = (await scim.post('/Users', user)).body.id as string;
    await scim.patch(`/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'title', value: 'CTO' }],
    });
    // The same login in another tenant must not show up.
    await scimClient(ctx, other.key.bearer).post('/Users', user);

    const byEmail = await query({ tenantId: tenant.id, search: 'JANE.DOE@corp.EXAMPLE' });
    expect(byEmail.errors).toBeUndefined();
    expect(byEmail.data.auditEvents.nodes.map((n: any) => n.type)).toEqual([
      'scim.user.updated',
      'scim.user.created',
    ]);
    const byLogin = await query({ tenantId: tenant.id, search: ' jane.doe ' });
    expect(byLogin.data.auditEvents.nodes.map((n: any) => n.type)).toEqual([
      'scim.user.updated',
      'scim.user.created',
    ]);
    const node = byLogin.data.auditEvents.nodes[1];
    expect(node).toMatchObject({
      tenantId: tenant.id,
      category: 'SCIMEvent',
      outcome: 'success',
      actorKeyId: key.id,
      targetId: id,
      targetLogin: 'Jane.Doe',
      targetEmail: 'jane.doe@corp.example',
      httpStatus: 201,
    });
    expect(node.requestId).toBeTruthy();
    expect((await query({ tenantId: tenant.id, search: 'jane' })).data.auditEvents.nodes).toEqual([]);
  });

  it('filters by type prefix, exact type, category, actor key and time', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    const start = new Date();
    await scim.post('/Users', newUser());
    await scim.get('/Users');
    await scim.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'G',
    });
    const types = async (variables: Record<string, unknown>) =>
      (await query({ tenantId: tenant.id, ...variables })).data.auditEvents.nodes.map((n: any) => n.type);
    expect(await types({ type: 'scim.user.' })).toEqual(['scim.user.created']);
    expect(await types({ type: 'scim.users.listed' })).toEqual(['scim.users.listed']);
    expect(await types({ type: 'scim.' })).toEqual([
      'scim.group.created',
      'scim.users.listed',
      'scim.user.created',
    ]);
    // "_" is a literal, not a LIKE wildcard: scim_user. would otherwise match scim.user.created.
    expect(await types({ type: 'scim_user.' })).toEqual([]);
    expect(await types({ category: 'ManagementEvent' })).toEqual(
      expect.arrayContaining(['tenant.created', 'access_key.created']),
    );
    expect(await types({ category: 'SCIMEvent', actorKeyId: key.id })).toHaveLength(3);
    expect(await types({ category: 'SCIMEvent', to: start.toISOString() })).toEqual([]);
    expect(await types({ category: 'SCIMEvent', from: start.toISOString() })).toHaveLength(3);
  });

  it('keyset paging neither skips nor repeats while new events arrive', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    for (let i = 0; i < 12; i++) await scim.post('/Users', newUser());
    // Same-millisecond rows too: ties on occurred_at are broken by id.
    await ctx.db.query(
      `INSERT INTO audit_event (id, occurred_at, tenant_id, category, type, outcome)
       SELECT gen_random_uuid(), now() - interval '1 minute', $1, 'SCIMEvent', 'scim.user.updated', 'success'
         FROM generate_series(1, 15)`,
      [tenant.id],
    );
    await ctx.app.get(AuditBuffer).flush();
    const existing: string[] = (
      await ctx.db.query(`SELECT id FROM audit_event WHERE tenant_id = $1 AND category = 'SCIMEvent'`, [
        tenant.id,
      ])
    ).map((row: { id: string }) => row.id);
    expect(existing).toHaveLength(27);

    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      // Concurrent traffic: a write and a read land between every two pages.
      await Promise.all([scim.post('/Users', newUser()), scim.get('/Users?count=1')]);
      const page = await query({ tenantId: tenant.id, category: 'SCIMEvent', first: 4, after });
      expect(page.errors).toBeUndefined();
      const ids = page.data.auditEvents.edges.map((e: any) => e.node.id);
      seen.push(...ids);
      after = page.data.auditEvents.pageInfo.hasNextPage
        ? page.data.auditEvents.pageInfo.endCursor
        : undefined;
      pages++;
    } while (after && pages < 50);
    expect(new Set(seen).size).toBe(seen.length); // no repeats
    for (const id of existing) expect(seen).toContain(id); // no skips
  });

  it('bad input is a clear GraphQL error, never a 500', async () => {
    const { tenant } = await provisionedTenant(ctx);
    const code = async (variables: Record<string, unknown>) => {
      const result = await query({ tenantId: tenant.id, ...variables });
      expect(result.status).not.toBe(500);
      return [result.errors?.[0]?.extensions?.code, result.errors?.[0]?.message];
    };
    expect(await code({ tenantId: '6f1c2b8e-1c1d-4f3a-9d5e-0a0b0c0d0e0f' })).toEqual([
      'NOT_FOUND',
      expect.stringContaining('tenant'),
    ]);
    expect((await code({ tenantId: 'not-a-uuid' }))[0]).toBe('BAD_USER_INPUT');
    expect(await code({ after: 'garbage' })).toEqual([
      'BAD_USER_INPUT',
      'after is not a cursor this API returned',
    ]);
    const forged = Buffer.from(
      JSON.stringify(['2024-01-01T00:00:00.000000Z', "x'; DROP TABLE audit_event; --"]),
    ).toString('base64url');
    expect((await code({ after: forged }))[0]).toBe('BAD_USER_INPUT');
    expect(await code({ from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' })).toEqual([
      'BAD_USER_INPUT',
      'from must not be after to',
    ]);
    expect(await code({ first: 201 })).toEqual(['BAD_USER_INPUT', 'first must be between 1 and 200']);
    expect((await code({ first: 0 }))[0]).toBe('BAD_USER_INPUT');
    expect((await code({ search: 'x'.repeat(321) }))[0]).toBe('BAD_USER_INPUT');
    expect((await code({ search: '   ' }))[0]).toBe('BAD_USER_INPUT');
    expect((await code({ type: "scim.user.' OR 1=1 --" }))[0]).toBe('BAD_USER_INPUT');
    expect((await code({ actorKeyId: 'nope' }))[0]).toBe('BAD_USER_INPUT');
    // Any search text is a bind parameter: quotes, wildcards and SQL are just characters.
    for (const search of ["' OR '1'='1", '%', '_', '\\', 'a"b', '😀@example.com']) {
      const result = await query({ tenantId: tenant.id, search });
      expect(result.errors).toBeUndefined();
      expect(result.data.auditEvents.nodes).toEqual([]);
    }
    // Management bearer is required.
    const anonymous = await ctx.gql(AUDIT_QUERY, { tenantId: tenant.id }, 'Bearer nope');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
