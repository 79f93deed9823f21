import { createAccessKey, provisionedTenant } from '../support/factories';
import { newUser, patchOps, scimClient } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import { scimEvents } from './helpers';

describe('audit: exactly one SCIM event per request that reaches a tenant', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  it('reads: get, list, search and discovery each record one event, with the filter and target', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    const created = await scim.post('/Users', newUser({ userName: 'reader@example.com' }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const before = (await scimEvents(ctx, tenant.id)).length;
    expect(before).toBe(1); // the create

    expect((await scim.get(`/Users/${id}`)).status).toBe(200);
    expect(
      (await scim.get('/Users?filter=' + encodeURIComponent('userName eq "Reader@Example.com"'))).status,
    ).toBe(200);
    expect(
      (
        await scim.post('/Users/.search', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
          filter: 'emails.value eq "who@example.com"',
        })
      ).status,
    ).toBe(200);
    expect((await scim.get('/Groups')).status).toBe(200);
    expect((await scim.get('/ServiceProviderConfig')).status).toBe(200);
    expect((await scim.get('/Schemas')).status).toBe(200);

    const events = (await scimEvents(ctx, tenant.id)).slice(before);
    expect(events.map((e) => e.type)).toEqual([
      'scim.user.read',
      'scim.users.listed',
      'scim.search',
      'scim.groups.listed',
      'scim.discovery.read',
      'scim.discovery.read',
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ outcome: 'success', http_status: 200, actor_key_id: key.id });
      expect(event.request_id).toBeTruthy();
    }
    // The read names its user (from the SCIM record at write time), the list its filter.
    expect(events[0]).toMatchObject({ target_id: id, target_login: 'reader@example.com' });
    expect(events[1].target_login).toBe('Reader@Example.com');
    expect(events[1].details).toMatchObject({
      filter: 'userName eq "Reader@Example.com"',
      resource: 'Users',
    });
    expect(events[2]).toMatchObject({ target_email: 'who@example.com' });
  });

  it('failures thrown by a handler: one failure event with status, scimType and the SCIM detail', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    const user = newUser({ userName: 'dup@example.com' });
    expect((await scim.post('/Users', user)).status).toBe(201);
    const before = (await scimEvents(ctx, tenant.id)).length;

    const duplicate = await scim.post('/Users', user);
    expect(duplicate.status).toBe(409);
    const badFilter = await scim.get('/Users?filter=' + encodeURIComponent('userName eq'));
    expect(badFilter.status).toBe(400);
    const missing = await scim.get('/Users/6f1c2b8e-1c1d-4f3a-9d5e-0a0b0c0d0e0f');
    expect(missing.status).toBe(404);
    const badPatch = await scim.patch(
      '/Users/6f1c2b8e-1c1d-4f3a-9d5e-0a0b0c0d0e0f',
      patchOps({ op: 'replace', path: 'active', value: false }),
    );
    expect(badPatch.status).toBe(404);
    expect((await scim.get('/Nowhere')).status).toBe(404);

    const events = (await scimEvents(ctx, tenant.id)).slice(before);
    expect(events).toHaveLength(5);
    for (const event of events)
      expect(event).toMatchObject({ type: 'scim.request.failed', outcome: 'failure', actor_key_id: key.id });
    expect(events[0]).toMatchObject({
      http_status: 409,
      scim_type: 'uniqueness',
      target_login: 'dup@example.com',
    });
    expect(events[0].reason).toBe(duplicate.body.detail);
    expect(events[1]).toMatchObject({ http_status: 400, scim_type: 'invalidFilter' });
    expect(events[1].reason).toBe(badFilter.body.detail);
    expect(events[2]).toMatchObject({
      http_status: 404,
      details: expect.objectContaining({ operation: 'scim.user.read' }),
    });
    expect(events[3]).toMatchObject({
      http_status: 404,
      details: expect.objectContaining({ operation: 'write', method: 'PATCH' }),
    });
    expect(events[4]).toMatchObject({
      http_status: 404,
      details: expect.objectContaining({ resource: 'Nowhere' }),
    });
  });

  it('a thrown failure is in the audit log when its error answer arrives, without waiting for a flush', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    const unflushed = () =>
      ctx.db.query(
        `SELECT type, http_status FROM audit_event WHERE tenant_id = $1 AND type = 'scim.request.failed' ORDER BY occurred_at`,
        [tenant.id],
      );
    // Not through the buffer (no lookup id): written before the answer.
    expect((await scim.get('/Users?filter=' + encodeURIComponent('nope eq 1'))).status).toBe(400);
    expect(await unflushed()).toEqual([{ type: 'scim.request.failed', http_status: 400 }]);
    // Through the buffer (a write by id), which the auditor flushes before the answer.
    const missing = '6f1c2b8e-1c1d-4f3a-9d5e-0a0b0c0d0e0f';
    expect((await scim.delete(`/Users/${missing}`)).status).toBe(404);
    expect(await unflushed()).toHaveLength(2);
  });

  it('successful writes are recorded once (by the service), never again by the request auditor', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    const id = (await scim.post('/Users', newUser())).body.id as string;
    expect(
      (await scim.patch(`/Users/${id}`, patchOps({ op: 'replace', path: 'active', value: false }))).status,
    ).toBe(200);
    const group = await scim.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Eng',
      members: [{ value: id }],
    });
    expect(group.status).toBe(201);
    expect((await scim.delete(`/Users/${id}`)).status).toBe(204);
    const types = (await scimEvents(ctx, tenant.id)).map((e) => e.type);
    expect(types).toEqual([
      'scim.user.created',
      'scim.user.deactivated',
      'scim.group.created',
      'scim.user.deleted',
    ]);
  });

  it('refused keys record scim.auth.failed once, and nothing else; other tenants see none of it', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const other = await provisionedTenant(ctx);
    const expired = await createAccessKey(ctx, tenant.id, {
      expiresAt: new Date(Date.now() + 1_500).toISOString(),
    });
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect((await scimClient(ctx, expired.bearer).get('/Users')).status).toBe(401);
    expect((await scimClient(ctx, key.bearer).get('/Users')).status).toBe(200);
    const events = await scimEvents(ctx, tenant.id);
    expect(events.map((e) => [e.type, e.reason ?? null])).toEqual([
      ['scim.auth.failed', 'expired_key'],
      ['scim.users.listed', null],
    ]);
    expect(await scimEvents(ctx, other.tenant.id)).toEqual([]);
  });

  it('/Bulk: one event per operation, none for the envelope', async () => {
    const { tenant, key } = await provisionedTenant(ctx);
    const scim = scimClient(ctx, key.bearer);
    const response = await scim.post('/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'a', data: newUser() },
        { method: 'POST', path: '/Users', bulkId: 'b', data: newUser() },
      ],
    });
    expect(response.status).toBe(200);
    expect((await scimEvents(ctx, tenant.id)).map((e) => e.type)).toEqual([
      'scim.user.created',
      'scim.user.created',
    ]);
  });
});
