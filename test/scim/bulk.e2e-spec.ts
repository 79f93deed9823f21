import { GROUP_SCHEMA, newUser, patchOps } from '../support/scim-client';
import { ScimClient } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import {
  auditEvents,
  BASE,
  createUser,
  expectScimError,
  expectStatus,
  memberIds,
  tenantClient,
} from './helpers';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const MAX_OPERATIONS = 7;
const MAX_PAYLOAD = 32_768;

const bulk = (Operations: unknown[], extra: Record<string, unknown> = {}) => ({
  schemas: [BULK_REQUEST],
  Operations,
  ...extra,
});

describe('SCIM /Bulk (RFC 7644 §3.7)', () => {
  let ctx: TestApp;
  let scim: ScimClient;
  let tenantId: string;
  beforeAll(async () => {
    ctx = await startTestApp({
      env: { SCIM_MAX_BULK_OPERATIONS: String(MAX_OPERATIONS), SCIM_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD) },
    });
  });
  beforeEach(async () => {
    ({ scim, tenantId } = await tenantClient(ctx));
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('resolves bulkId references: a group created with member bulkId:x gets the user x created, whatever the order', async () => {
    const response = await scim.post(
      '/Bulk',
      bulk([
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g1',
          data: {
            schemas: [GROUP_SCHEMA],
            displayName: 'Tour Guides',
            members: [{ type: 'User', value: 'bulkId:u1' }, { value: 'bulkId:u2' }],
          },
        },
        { method: 'POST', path: '/Users', bulkId: 'u1', data: newUser() },
        { method: 'POST', path: '/Users', bulkId: 'u2', data: newUser() },
        {
          method: 'PATCH',
          path: '/Users/bulkId:u2',
          data: patchOps({ op: 'replace', path: 'title', value: 'Patched' }),
        },
      ]),
    );
    expectStatus(response, 200);
    expect(response.headers['content-type']).toContain('application/scim+json');
    expect(response.body.schemas).toEqual([BULK_RESPONSE]);
    const [group, u1, u2, patch] = response.body.Operations;
    expect(group).toMatchObject({ method: 'POST', bulkId: 'g1', status: '201' });
    expect(u1).toMatchObject({ method: 'POST', bulkId: 'u1', status: '201' });
    expect(u2).toMatchObject({ method: 'POST', bulkId: 'u2', status: '201' });
    expect(patch).toMatchObject({ method: 'PATCH', status: '200' });
    for (const op of [group, u1, u2]) {
      expect(op.location).toMatch(new RegExp(`^${BASE}/(Users|Groups)/[0-9a-f-]{36}$`));
      expect(op.version).toMatch(/^W\/"/);
    }
    const groupId = group.location.split('/').pop();
    const userIds = [u1.location.split('/').pop(), u2.location.split('/').pop()];
    const read = await scim.get(`/Groups/${groupId}`);
    expect(memberIds(read.body)).toEqual([...userIds].sort());
    expect((await scim.get(`/Users/${userIds[1]}`)).body.title).toBe('Patched');
    // Each operation is its own audited write.
    const types = (await auditEvents(ctx, tenantId)).map((e) => e.type);
    expect(types.filter((t) => t === 'scim.user.created')).toHaveLength(2);
    expect(types.filter((t) => t === 'scim.group.created')).toHaveLength(1);
  });

  it('every operation gets its own status: PUT, PATCH, DELETE, and errors with their scimType', async () => {
    const [a, b] = [await createUser(scim), await createUser(scim)];
    const response = await scim.post(
      '/Bulk',
      bulk([
        { method: 'PUT', path: `/Users/${a.id}`, data: newUser({ userName: a.userName, title: 'Put' }) },
        {
          method: 'PATCH',
          path: `/Users/${b.id}`,
          data: patchOps({ op: 'replace', path: 'active', value: 'banana' }),
        },
        { method: 'POST', path: '/Users', bulkId: 'dup', data: newUser({ userName: a.userName }) },
        { method: 'DELETE', path: `/Users/${b.id}` },
        { method: 'DELETE', path: '/Users/6d1a4e7f-9a8b-4c3d-8e2f-1a2b3c4d5e6f' },
        { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: ['urn:nope'] } },
      ]),
    );
    expectStatus(response, 200);
    const ops = response.body.Operations;
    expect(ops.map((op: { status: string }) => op.status)).toEqual([
      '200',
      '400',
      '409',
      '204',
      '404',
      '400',
    ]);
    expect(ops[1].response).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(ops[2].response).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect(ops[0].location).toBe(`${BASE}/Users/${a.id}`);
    expect((await scim.get(`/Users/${a.id}`)).body.title).toBe('Put');
    expectScimError(await scim.get(`/Users/${b.id}`), 404);
  });

  it('failOnErrors stops after that many errors; operations not reached are not run', async () => {
    const response = await scim.post(
      '/Bulk',
      bulk(
        [
          { method: 'POST', path: '/Users', bulkId: 'ok1', data: newUser() },
          { method: 'POST', path: '/Users', bulkId: 'bad1', data: newUser({ active: 'banana' }) },
          { method: 'POST', path: '/Users', bulkId: 'ok2', data: newUser() },
          { method: 'POST', path: '/Users', bulkId: 'bad2', data: newUser({ emails: 'x' }) },
          { method: 'POST', path: '/Users', bulkId: 'never', data: newUser() },
        ],
        { failOnErrors: 2 },
      ),
    );
    expectStatus(response, 200);
    expect(
      response.body.Operations.map((op: { bulkId: string; status: string }) => [op.bulkId, op.status]),
    ).toEqual([
      ['ok1', '201'],
      ['bad1', '400'],
      ['ok2', '201'],
      ['bad2', '400'],
    ]);
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM scim_user WHERE tenant_id = $1`, [
      tenantId,
    ]);
    expect(n).toBe(2);
  });

  it('without failOnErrors every operation runs', async () => {
    const response = await scim.post(
      '/Bulk',
      bulk([
        { method: 'POST', path: '/Users', bulkId: 'bad', data: newUser({ active: 'banana' }) },
        { method: 'POST', path: '/Users', bulkId: 'ok', data: newUser() },
      ]),
    );
    expect(response.body.Operations.map((op: { status: string }) => op.status)).toEqual(['400', '201']);
  });

  it('a reference to an unknown or failed bulkId, or a cycle, is 409 for that operation', async () => {
    const response = await scim.post(
      '/Bulk',
      bulk([
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g',
          data: { schemas: [GROUP_SCHEMA], displayName: 'G', members: [{ value: 'bulkId:nobody' }] },
        },
        { method: 'POST', path: '/Users', bulkId: 'failed', data: newUser({ active: 'banana' }) },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'h',
          data: { schemas: [GROUP_SCHEMA], displayName: 'H', members: [{ value: 'bulkId:failed' }] },
        },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'c1',
          data: {
            schemas: [GROUP_SCHEMA],
            displayName: 'C1',
            members: [{ type: 'Group', value: 'bulkId:c2' }],
          },
        },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'c2',
          data: {
            schemas: [GROUP_SCHEMA],
            displayName: 'C2',
            members: [{ type: 'Group', value: 'bulkId:c1' }],
          },
        },
      ]),
    );
    expectStatus(response, 200);
    const status = Object.fromEntries(
      response.body.Operations.map((op: { bulkId: string; status: string }) => [op.bulkId, op.status]),
    );
    expect(status).toEqual({ g: '409', failed: '400', h: '409', c1: '409', c2: '409' });
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM scim_group WHERE tenant_id = $1`, [
      tenantId,
    ]);
    expect(n).toBe(0);
  });

  it(`more than maxOperations (${MAX_OPERATIONS}) is 413, and nothing runs`, async () => {
    const operations = Array.from({ length: MAX_OPERATIONS + 1 }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `u${i}`,
      data: newUser(),
    }));
    expectScimError(await scim.post('/Bulk', bulk(operations)), 413);
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM scim_user WHERE tenant_id = $1`, [
      tenantId,
    ]);
    expect(n).toBe(0);
    const exactly = await scim.post('/Bulk', bulk(operations.slice(0, MAX_OPERATIONS)));
    expectStatus(exactly, 200);
    expect(exactly.body.Operations).toHaveLength(MAX_OPERATIONS);
  });

  it(`a payload over maxPayloadSize (${MAX_PAYLOAD} bytes) is 413, and nothing runs`, async () => {
    const operations = [
      { method: 'POST', path: '/Users', bulkId: 'big', data: newUser({ nickName: 'x'.repeat(MAX_PAYLOAD) }) },
    ];
    expectScimError(await scim.post('/Bulk', bulk(operations)), 413);
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM scim_user WHERE tenant_id = $1`, [
      tenantId,
    ]);
    expect(n).toBe(0);
    const config = await scim.get('/ServiceProviderConfig');
    expect(config.body.bulk).toMatchObject({
      supported: true,
      maxOperations: MAX_OPERATIONS,
      maxPayloadSize: MAX_PAYLOAD,
    });
  });

  it.each([
    ['no schemas', { Operations: [] }],
    ['Operations not an array', { schemas: [BULK_REQUEST], Operations: {} }],
    ['failOnErrors a string', { schemas: [BULK_REQUEST], failOnErrors: 'x', Operations: [] }],
  ])('%s is 400', async (_, body) => {
    expectScimError(await scim.post('/Bulk', body), 400);
  });

  it.each([
    ['an unknown method', { method: 'FETCH', path: '/Users' }],
    ['a POST without bulkId', { method: 'POST', path: '/Users', data: newUser() }],
    ['an unknown path', { method: 'POST', path: '/Printers', bulkId: 'p', data: {} }],
    [
      'a PATCH without an id',
      { method: 'PATCH', path: '/Users', data: patchOps({ op: 'remove', path: 'title' }) },
    ],
    ['a path with __proto__', { method: 'DELETE', path: '/__proto__/x' }],
  ])('%s fails (4xx) without a 500', async (_, operation) => {
    const response = await scim.post('/Bulk', bulk([operation]));
    expect(response.status).toBeLessThan(500);
    if (response.status === 200) {
      const status = Number(response.body.Operations[0].status);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    } else {
      expectScimError(response, response.status);
    }
  });
});
