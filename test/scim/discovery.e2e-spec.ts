import { ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import { BASE, expectScimError, expectStatus, tenantClient } from './helpers';

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const RT_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

const USER_ATTRIBUTES = [
  'userName',
  'name',
  'displayName',
  'nickName',
  'profileUrl',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
  'active',
  'password',
  'emails',
  'phoneNumbers',
  'ims',
  'photos',
  'addresses',
  'groups',
  'entitlements',
  'roles',
  'x509Certificates',
];

describe('SCIM discovery and other endpoints', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp({
      env: { SCIM_MAX_PAGE_SIZE: '50', SCIM_MAX_BULK_OPERATIONS: '7', SCIM_MAX_PAYLOAD_BYTES: '65536' },
    });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('/ServiceProviderConfig advertises exactly what is supported, with the configured limits', async () => {
    const { scim } = await tenantClient(ctx);
    const response = await scim.get('/ServiceProviderConfig');
    expectStatus(response, 200);
    expect(response.headers['content-type']).toContain('application/scim+json');
    expect(response.body).toMatchObject({
      schemas: [SPC_SCHEMA],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 7, maxPayloadSize: 65536 },
      filter: { supported: true, maxResults: 50 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      pagination: { cursor: true, index: true, maxPageSize: 50 },
      meta: { resourceType: 'ServiceProviderConfig', location: `${BASE}/ServiceProviderConfig` },
    });
    expect(response.body.authenticationSchemes).toEqual([
      expect.objectContaining({
        type: 'oauthbearertoken',
        name: expect.any(String),
        description: expect.any(String),
      }),
    ]);
  });

  it('/Schemas lists User, EnterpriseUser and Group, each with its attributes and characteristics', async () => {
    const { scim } = await tenantClient(ctx);
    const response = await scim.get('/Schemas');
    expectStatus(response, 200);
    expect(response.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    const ids = response.body.Resources.map((schema: { id: string }) => schema.id).sort();
    expect(ids).toEqual([ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA].sort());
    expect(response.body.totalResults).toBe(3);

    const user = response.body.Resources.find((schema: { id: string }) => schema.id === USER_SCHEMA);
    expect(user.schemas).toEqual([SCHEMA_SCHEMA]);
    expect(user.meta).toEqual({ resourceType: 'Schema', location: `${BASE}/Schemas/${USER_SCHEMA}` });
    const names = user.attributes.map((attribute: { name: string }) => attribute.name);
    expect(names).toEqual(expect.arrayContaining(USER_ATTRIBUTES));
    const byName = (name: string) =>
      user.attributes.find((attribute: { name: string }) => attribute.name === name);
    expect(byName('userName')).toMatchObject({
      type: 'string',
      required: true,
      caseExact: false,
      uniqueness: 'server',
    });
    expect(byName('password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(byName('groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
    expect(byName('emails').subAttributes.map((sub: { name: string }) => sub.name)).toEqual(
      expect.arrayContaining(['value', 'type', 'primary', 'display']),
    );
    for (const attribute of user.attributes) {
      expect(attribute).toEqual(
        expect.objectContaining({
          name: expect.any(String),
          type: expect.any(String),
          multiValued: expect.any(Boolean),
          required: expect.any(Boolean),
          mutability: expect.any(String),
          returned: expect.any(String),
        }),
      );
    }

    const enterprise = response.body.Resources.find((schema: { id: string }) => schema.id === ENTERPRISE);
    expect(enterprise.attributes.map((a: { name: string }) => a.name)).toEqual(
      expect.arrayContaining([
        'employeeNumber',
        'costCenter',
        'organization',
        'division',
        'department',
        'manager',
      ]),
    );
    const manager = enterprise.attributes.find((a: { name: string }) => a.name === 'manager');
    expect(manager.subAttributes.map((a: { name: string }) => a.name)).toEqual(
      expect.arrayContaining(['value', '$ref', 'displayName']),
    );

    const group = response.body.Resources.find((schema: { id: string }) => schema.id === GROUP_SCHEMA);
    const members = group.attributes.find((a: { name: string }) => a.name === 'members');
    expect(members.subAttributes.map((a: { name: string }) => a.name)).toEqual(
      expect.arrayContaining(['value', '$ref', 'type']),
    );
  });

  it.each([USER_SCHEMA, ENTERPRISE, GROUP_SCHEMA])('/Schemas/%s answers the one schema', async (id) => {
    const { scim } = await tenantClient(ctx);
    const response = await scim.get(`/Schemas/${id}`);
    expectStatus(response, 200);
    expect(response.body.id).toBe(id);
    expect(response.body.attributes.length).toBeGreaterThan(0);
  });

  it('/ResourceTypes describes User (with the enterprise extension) and Group', async () => {
    const { scim } = await tenantClient(ctx);
    const response = await scim.get('/ResourceTypes');
    expectStatus(response, 200);
    expect(response.body.totalResults).toBe(2);
    const byId = Object.fromEntries(response.body.Resources.map((rt: { id: string }) => [rt.id, rt]));
    expect(byId.User).toMatchObject({
      schemas: [RT_SCHEMA],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE, required: false }],
      meta: { resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/User` },
    });
    expect(byId.Group).toMatchObject({
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      schema: GROUP_SCHEMA,
    });
    for (const id of ['User', 'Group']) {
      const one = await scim.get(`/ResourceTypes/${id}`);
      expectStatus(one, 200);
      expect(one.body).toEqual(byId[id]);
    }
  });

  it.each(['/Schemas/urn:nope', '/ResourceTypes/Printer'])('%s is a SCIM 404', async (path) => {
    const { scim } = await tenantClient(ctx);
    expectScimError(await scim.get(path), 404);
  });

  it.each(['get', 'post', 'put', 'patch', 'delete'] as const)(
    '%s /Me answers 501 with a SCIM error',
    async (method) => {
      const { scim } = await tenantClient(ctx);
      const response =
        method === 'get' || method === 'delete' ? await scim[method]('/Me') : await scim[method]('/Me', {});
      expectScimError(response, 501);
    },
  );

  it.each([
    ['get', '/Printers'],
    ['get', '/Users/x/y'],
    ['post', '/Printers'],
    ['delete', '/Groups'],
    ['get', '/Bulk/x'],
  ] as const)('%s %s (no such endpoint) is a SCIM 404', async (method, path) => {
    const { scim } = await tenantClient(ctx);
    const response = method === 'post' ? await scim.post(path, {}) : await scim[method](path);
    expectScimError(response, 404);
  });

  it('discovery endpoints, like the rest, need a bearer', async () => {
    for (const path of ['/ServiceProviderConfig', '/Schemas', '/ResourceTypes', '/Users', '/Me', '/Nope']) {
      const response = await ctx.http.get(`/scim/v2${path}`);
      expectScimError(response, 401);
    }
  });
});
