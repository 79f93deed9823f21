import { ENTERPRISE_USER_SCHEMA } from '../constants';
import { USER_RESOURCE_TYPE } from '../schema/resource-types';
import { matchesElement, matchesFilter } from './matcher';
import { parseFilter } from './parse-filter';

const user = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_USER_SCHEMA],
  id: 'AbC-1',
  userName: 'BJensen@Example.com',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  active: true,
  title: '',
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  meta: { created: '2024-03-01T10:00:00+02:00', lastModified: '2024-03-02T00:00:00Z' },
  [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', manager: { value: 'm1' } },
};

describe('matchesFilter', () => {
  it.each([
    ['userName eq "bjensen@example.com"', true], // caseExact false
    ['id eq "abc-1"', false], // id is caseExact
    ['id eq "AbC-1"', true],
    ['userName ne "bjensen@example.com"', false],
    ['userName co "@EXAMPLE"', true],
    ['userName sw "bj"', true],
    ['userName ew ".com"', true],
    ['userName gt "a"', true],
    ['name.givenName eq "barbara"', true],
    ['title pr', false], // empty string is not present
    ['nickName pr', false],
    ['nickName ne "x"', true], // absent is "not equal"
    ['nickName eq null', true],
    ['name.givenName ne null', true],
    ['active eq true', true],
    ['active eq false', false],
    ['emails.value eq "babs@jensen.org"', true], // any value matches
    ['emails co "jensen.org"', true],
    ['emails[type eq "home" and primary eq true]', false], // same element must satisfy all
    ['emails[type eq "work" and primary eq true]', true],
    ['not (emails[type eq "other"])', true],
    // 10:00+02:00 is 08:00Z
    ['meta.created eq "2024-03-01T08:00:00Z"', true],
    ['meta.created gt "2024-03-01T08:30:00Z"', false],
    ['meta.created lt "2024-03-01T08:30:00Z"', true],
    ['meta.created ge "2024-03-01T08:00:00.000Z"', true],
    ['meta.lastModified le "2024-03-01T23:59:59Z"', false],
    [`${ENTERPRISE_USER_SCHEMA}:department eq "sales"`, true],
    [`${ENTERPRISE_USER_SCHEMA}:manager.value eq "m1"`, true],
    ['userName eq "x" or (active eq true and name.familyName sw "J")', true],
    // Entra's `attr[filter].sub op value`: the SAME element must match both.
    ['emails[type eq "work"].value eq "BJENSEN@example.com"', true],
    ['emails[type eq "work"].value eq "babs@jensen.org"', false], // that address is the home one
    ['emails[type eq "home"].value eq "babs@jensen.org"', true],
    ['emails[type eq "other"].value pr', false],
    ['emails[type eq "home" or type eq "work"].value co "jensen.org"', true],
  ])('%s -> %s', (text, expected) => {
    expect(matchesFilter(user, parseFilter(text, USER_RESOURCE_TYPE), USER_RESOURCE_TYPE)).toBe(expected);
  });

  it('matches one element of a value path', () => {
    const filter = parseFilter('emails[type eq "WORK"]', USER_RESOURCE_TYPE);
    if (filter.kind !== 'valuePath') throw new Error('expected a valuePath');
    expect(user.emails.map((e) => matchesElement(e, filter.filter, USER_RESOURCE_TYPE))).toEqual([
      true,
      false,
    ]);
  });
});
