import { CORE_GROUP_SCHEMA, CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA } from './constants';
import { needsAttribute, projectResource } from './projection';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from './schema/resource-types';
import type { ScimResource } from './schema/types';

const E = ENTERPRISE_USER_SCHEMA;
const user: ScimResource = {
  schemas: [CORE_USER_SCHEMA, E],
  id: 'u1',
  externalId: 'x1',
  userName: 'bjensen',
  password: 'must-never-leak',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { value: 'a@x.com', type: 'work' },
    { value: 'b@x.com', type: 'home' },
  ],
  [E]: { department: 'Eng', manager: { value: 'm1', displayName: 'Boss' } },
  meta: { resourceType: 'User', version: 'W/"1"' },
};

describe('projectResource', () => {
  it('returns defaults and never the password', () => {
    const { password: _password, ...rest } = user;
    expect(projectResource(user, USER_RESOURCE_TYPE)).toEqual(rest);
  });

  it.each([
    [{ attributes: ['userName'] }, { schemas: user.schemas, id: 'u1', userName: 'bjensen', meta: user.meta }],
    [
      { attributes: ['name.givenName', 'emails.value'] },
      {
        schemas: user.schemas,
        id: 'u1',
        name: { givenName: 'Barbara' },
        emails: [{ value: 'a@x.com' }, { value: 'b@x.com' }],
        meta: user.meta,
      },
    ],
    [
      { attributes: [`${E}:department`] },
      { schemas: user.schemas, id: 'u1', [E]: { department: 'Eng' }, meta: user.meta },
    ],
    [
      { attributes: [`${E}:manager.value`] },
      { schemas: user.schemas, id: 'u1', [E]: { manager: { value: 'm1' } }, meta: user.meta },
    ],
    [{ attributes: [E] }, { schemas: user.schemas, id: 'u1', [E]: user[E], meta: user.meta }],
    [
      { attributes: ['password', 'USERNAME', 'nope'] },
      { schemas: user.schemas, id: 'u1', userName: 'bjensen', meta: user.meta },
    ],
    [
      { excludedAttributes: ['emails', 'name.familyName', 'id', 'meta', E] },
      {
        schemas: user.schemas,
        id: 'u1',
        externalId: 'x1',
        userName: 'bjensen',
        name: { givenName: 'Barbara' },
        meta: user.meta,
      },
    ],
  ])('%j', (projection, expected) => {
    expect(projectResource(user, USER_RESOURCE_TYPE, projection)).toEqual(expected);
  });
});

describe('needsAttribute', () => {
  it.each([
    [{}, true],
    [{ excludedAttributes: ['members'] }, false],
    [{ excludedAttributes: ['displayName'] }, true],
    [{ attributes: ['displayName'] }, false],
    [{ attributes: ['members.value'] }, true],
    [{ attributes: [`${CORE_GROUP_SCHEMA}:members`] }, true],
  ])('members with %j -> %s', (projection, expected) => {
    expect(needsAttribute(GROUP_RESOURCE_TYPE, projection, 'members')).toBe(expected);
  });

  it('never needs the password, always the id', () => {
    expect(needsAttribute(USER_RESOURCE_TYPE, { attributes: ['password'] }, 'password')).toBe(false);
    expect(needsAttribute(USER_RESOURCE_TYPE, { attributes: ['userName'] }, 'id')).toBe(true);
  });
});
