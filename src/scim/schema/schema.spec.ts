import { CORE_GROUP_SCHEMA, CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA } from '../constants';
import { resourceTypeResources, schemaResources, serviceProviderConfig } from './discovery';
import { resolveAttribute } from './resolver';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from './resource-types';

const E = ENTERPRISE_USER_SCHEMA;

describe('resolveAttribute', () => {
  it.each([
    ['userName', 'userName', CORE_USER_SCHEMA],
    ['USERNAME', 'userName', CORE_USER_SCHEMA],
    ['name.GIVENNAME', 'name.givenName', CORE_USER_SCHEMA],
    ['meta.lastmodified', 'meta.lastModified', CORE_USER_SCHEMA],
    ['id', 'id', CORE_USER_SCHEMA],
    [`${CORE_USER_SCHEMA}:emails.value`, 'emails.value', CORE_USER_SCHEMA],
    [`${E}:department`, `${E}:department`, E],
    [`${E.toUpperCase()}:Manager.Value`, `${E}:manager.value`, E],
    ['department', `${E}:department`, E],
  ])('%s -> %s', (input, canonical, schema) => {
    const resolved = resolveAttribute(USER_RESOURCE_TYPE, input);
    expect(resolved?.canonical).toBe(canonical);
    expect(resolved?.schema).toBe(schema);
  });

  it.each(['nope', 'name.nope', 'userName.x', `${E}:userName`, 'urn:x:y:User:userName', '__proto__', 'a b'])(
    'unknown: %s',
    (input) => {
      expect(resolveAttribute(USER_RESOURCE_TYPE, input)).toBeUndefined();
    },
  );

  it('knows the group members definition', () => {
    expect(resolveAttribute(GROUP_RESOURCE_TYPE, 'members.value')?.definition.mutability).toBe('immutable');
  });
});

describe('discovery resources', () => {
  const base = 'https://roster.example.com/scim/v2/';

  it('lists the three schemas with their attributes', () => {
    const schemas = schemaResources(base);
    expect(schemas.map((s) => s.id)).toEqual([CORE_USER_SCHEMA, E, CORE_GROUP_SCHEMA]);
    const user = schemas[0];
    const userName = user?.attributes.find((a) => a.name === 'userName');
    expect(userName).toMatchObject({
      type: 'string',
      required: true,
      caseExact: false,
      uniqueness: 'server',
    });
    const password = user?.attributes.find((a) => a.name === 'password');
    expect(password).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(user?.meta.location).toBe(`https://roster.example.com/scim/v2/Schemas/${CORE_USER_SCHEMA}`);
  });

  it('describes the User and Group resource types', () => {
    expect(resourceTypeResources(base)).toEqual([
      expect.objectContaining({
        id: 'User',
        endpoint: '/Users',
        schema: CORE_USER_SCHEMA,
        schemaExtensions: [{ schema: E, required: false }],
      }),
      expect.objectContaining({
        id: 'Group',
        endpoint: '/Groups',
        schema: CORE_GROUP_SCHEMA,
        schemaExtensions: [],
      }),
    ]);
  });

  it('describes the configured limits', () => {
    const config = serviceProviderConfig(base, {
      bulk: { maxOperations: 100, maxPayloadSize: 1048576 },
      filter: { maxResults: 200 },
      pagination: { defaultPageSize: 100, maxPageSize: 200 },
    });
    expect(config).toMatchObject({
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 100, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      pagination: { cursor: true, index: true, maxPageSize: 200 },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
    });
  });
});
