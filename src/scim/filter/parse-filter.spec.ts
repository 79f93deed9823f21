import { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA } from '../constants';
import { ScimError } from '../errors';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from '../schema/resource-types';
import type { Filter } from './ast';
import { parseFilter } from './parse-filter';

const U = CORE_USER_SCHEMA;
const E = ENTERPRISE_USER_SCHEMA;
const p = (attr: string, subAttr?: string, schema = U) => ({ schema, attr, ...(subAttr && { subAttr }) });
const eq = (attr: string, value: unknown, subAttr?: string) => ({
  kind: 'compare',
  path: p(attr, subAttr),
  op: 'eq',
  value,
});

function errorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

describe('parseFilter (validated against User)', () => {
  const cases: [string, unknown][] = [
    ['userName eq "bjensen"', eq('userName', 'bjensen')],
    ['USERNAME EQ "bjensen"', eq('userName', 'bjensen')],
    ['userName ne "x"', { kind: 'compare', path: p('userName'), op: 'ne', value: 'x' }],
    [
      'name.familyName co "O\'Malley"',
      { kind: 'compare', path: p('name', 'familyName'), op: 'co', value: "O'Malley" },
    ],
    ['userName sw "J"', { kind: 'compare', path: p('userName'), op: 'sw', value: 'J' }],
    ['userName Ew "n"', { kind: 'compare', path: p('userName'), op: 'ew', value: 'n' }],
    ['title pr', { kind: 'present', path: p('title') }],
    ['title PR', { kind: 'present', path: p('title') }],
    [
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      { kind: 'compare', path: p('meta', 'lastModified'), op: 'gt', value: '2011-05-13T04:42:34Z' },
    ],
    [
      'meta.created ge "2011-05-13T04:42:34Z"',
      { kind: 'compare', path: p('meta', 'created'), op: 'ge', value: '2011-05-13T04:42:34Z' },
    ],
    [
      'meta.lastModified lt "2011-05-13T04:42:34Z"',
      { kind: 'compare', path: p('meta', 'lastModified'), op: 'lt', value: '2011-05-13T04:42:34Z' },
    ],
    [
      'meta.lastModified le "2011-05-13T04:42:34Z"',
      { kind: 'compare', path: p('meta', 'lastModified'), op: 'le', value: '2011-05-13T04:42:34Z' },
    ],
    ['active eq true', eq('active', true)],
    ['active eq "False"', eq('active', false)],
    ['active eq TRUE', eq('active', true)],
    ['externalId eq null', eq('externalId', null)],
    [`${U}:userName eq "a"`, eq('userName', 'a')],
    [
      `${E}:department eq "Sales"`,
      { kind: 'compare', path: p('department', undefined, E), op: 'eq', value: 'Sales' },
    ],
    [
      `${E}:manager.value eq "26118915"`,
      { kind: 'compare', path: p('manager', 'value', E), op: 'eq', value: '26118915' },
    ],
    [
      'department eq "Sales"',
      { kind: 'compare', path: p('department', undefined, E), op: 'eq', value: 'Sales' },
    ],
    [
      'employeeNumber eq 42',
      { kind: 'compare', path: p('employeeNumber', undefined, E), op: 'eq', value: '42' },
    ],
    ['emails eq "a@b.c"', eq('emails', 'a@b.c', 'value')],
    ['userName eq "a\\"b\\\\c\\u0041\\n"', eq('userName', 'a"b\\cA\n')],
    [
      'title pr and userType eq "Employee"',
      { kind: 'and', filters: [{ kind: 'present', path: p('title') }, eq('userType', 'Employee')] },
    ],
    [
      'title pr or userType eq "Intern"',
      { kind: 'or', filters: [{ kind: 'present', path: p('title') }, eq('userType', 'Intern')] },
    ],
    // and binds tighter than or
    [
      'userName eq "a" or userName eq "b" and title pr',
      {
        kind: 'or',
        filters: [
          eq('userName', 'a'),
          { kind: 'and', filters: [eq('userName', 'b'), { kind: 'present', path: p('title') }] },
        ],
      },
    ],
    [
      '(userName eq "a" or userName eq "b") and title pr',
      {
        kind: 'and',
        filters: [
          { kind: 'or', filters: [eq('userName', 'a'), eq('userName', 'b')] },
          { kind: 'present', path: p('title') },
        ],
      },
    ],
    [
      'userType eq "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      {
        kind: 'and',
        filters: [
          eq('userType', 'Employee'),
          {
            kind: 'not',
            filter: {
              kind: 'or',
              filters: [
                { kind: 'compare', path: p('emails', 'value'), op: 'co', value: 'example.com' },
                { kind: 'compare', path: p('emails', 'value'), op: 'co', value: 'example.org' },
              ],
            },
          },
        ],
      },
    ],
    ['NOT(title pr)', { kind: 'not', filter: { kind: 'present', path: p('title') } }],
    // not binds tighter than and
    [
      'not (title pr) and active eq true',
      {
        kind: 'and',
        filters: [{ kind: 'not', filter: { kind: 'present', path: p('title') } }, eq('active', true)],
      },
    ],
    [
      'a eq 1 or b eq 2 or c eq 3'.replace(/a|b|c/g, 'title'),
      { kind: 'or', filters: [1, 2, 3].map((n) => eq('title', String(n))) },
    ],
    [
      'emails[type eq "work" and value co "@example.com"]',
      {
        kind: 'valuePath',
        path: p('emails'),
        filter: {
          kind: 'and',
          filters: [
            eq('emails', 'work', 'type'),
            { kind: 'compare', path: p('emails', 'value'), op: 'co', value: '@example.com' },
          ],
        },
      },
    ],
    [
      'userType eq "Employee" and emails[type eq "work" or (primary eq true and value pr)]',
      {
        kind: 'and',
        filters: [
          eq('userType', 'Employee'),
          {
            kind: 'valuePath',
            path: p('emails'),
            filter: {
              kind: 'or',
              filters: [
                eq('emails', 'work', 'type'),
                {
                  kind: 'and',
                  filters: [eq('emails', true, 'primary'), { kind: 'present', path: p('emails', 'value') }],
                },
              ],
            },
          },
        ],
      },
    ],
    // Entra: a value path followed by a sub-attribute and a comparison (not in the RFC grammar)
    // is the value path whose filter also compares that sub-attribute of the same element.
    [
      'emails[type eq "work"].value eq "x@y.com"',
      {
        kind: 'valuePath',
        path: p('emails'),
        filter: { kind: 'and', filters: [eq('emails', 'work', 'type'), eq('emails', 'x@y.com', 'value')] },
      },
    ],
    [
      'EMAILS[TYPE EQ "work"].Value Eq "x@y.com" and active eq true',
      {
        kind: 'and',
        filters: [
          {
            kind: 'valuePath',
            path: p('emails'),
            filter: {
              kind: 'and',
              filters: [eq('emails', 'work', 'type'), eq('emails', 'x@y.com', 'value')],
            },
          },
          eq('active', true),
        ],
      },
    ],
    [
      'emails[type eq "work" and primary eq true].value pr',
      {
        kind: 'valuePath',
        path: p('emails'),
        filter: {
          kind: 'and',
          filters: [
            eq('emails', 'work', 'type'),
            eq('emails', true, 'primary'),
            { kind: 'present', path: p('emails', 'value') },
          ],
        },
      },
    ],
    [
      'emails[type eq "work" or type eq "other"].value sw "a"',
      {
        kind: 'valuePath',
        path: p('emails'),
        filter: {
          kind: 'and',
          filters: [
            { kind: 'or', filters: [eq('emails', 'work', 'type'), eq('emails', 'other', 'type')] },
            { kind: 'compare', path: p('emails', 'value'), op: 'sw', value: 'a' },
          ],
        },
      },
    ],
    [
      `${E}:manager[value eq "m1"].displayName eq "Boss"`,
      {
        kind: 'valuePath',
        path: p('manager', undefined, E),
        filter: {
          kind: 'and',
          filters: [
            { kind: 'compare', path: p('manager', 'value', E), op: 'eq', value: 'm1' },
            { kind: 'compare', path: p('manager', 'displayName', E), op: 'eq', value: 'Boss' },
          ],
        },
      },
    ],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseFilter(text, USER_RESOURCE_TYPE)).toEqual(expected);
  });
});

describe('parseFilter (Group)', () => {
  const G = 'urn:ietf:params:scim:schemas:core:2.0:Group';
  it.each([
    [
      'displayName eq "Admins"',
      { kind: 'compare', path: { schema: G, attr: 'displayName' }, op: 'eq', value: 'Admins' },
    ],
    // Entra: "members eq <id>" means members.value
    [
      'id eq "g1" and members eq "u1"',
      {
        kind: 'and',
        filters: [
          { kind: 'compare', path: { schema: G, attr: 'id' }, op: 'eq', value: 'g1' },
          { kind: 'compare', path: { schema: G, attr: 'members', subAttr: 'value' }, op: 'eq', value: 'u1' },
        ],
      },
    ],
    [
      'members[value eq "u1"]',
      {
        kind: 'valuePath',
        path: { schema: G, attr: 'members' },
        filter: {
          kind: 'compare',
          path: { schema: G, attr: 'members', subAttr: 'value' },
          op: 'eq',
          value: 'u1',
        },
      },
    ],
  ])('%s', (text, expected) => {
    expect(parseFilter(text, GROUP_RESOURCE_TYPE)).toEqual(expected);
  });
});

describe('parseFilter without a resource type (syntax only)', () => {
  it('keeps names as written', () => {
    const tree: Filter = parseFilter('Foo.Bar eq 1.5e2');
    expect(tree).toEqual({ kind: 'compare', path: { attr: 'Foo', subAttr: 'Bar' }, op: 'eq', value: 150 });
  });
});

describe('parseFilter errors', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['userName', /operator/],
    ['userName eq', /value/],
    ['userName xx "a"', /operator at position 9/],
    ['userName eq "a" and', /end of filter at position 19/],
    ['userName eq "a" userName eq "b"', /end of input at position 16/],
    ['(userName eq "a"', /"\)"/],
    ['userName eq "a")', /end of input/],
    ['userName eq "abc', /Unterminated string/],
    ['userName eq "a\\qb"', /escape/],
    ['userName eq bjensen', /value/],
    ['not title pr', /operator/],
    ['emails[type eq "work"', /"\]"/],
    ['emails[type eq "a" and emails[value pr]]', /./],
    ['emails[value.x eq "a"]', /sub-attribute/],
    ['emails[type eq "work"].value', /operator/],
    ['emails[type eq "work"].value eq', /value/],
    ['emails[type eq "work"].nope eq "a"', /Unknown attribute/],
    ['emails[type eq "work"].value.x eq "a"', /sub-attribute/],
    ['emails[type eq "work"]..value eq "a"', /sub-attribute/],
    ['emails[type eq "work"] .value eq "a"', /end of input/],
    ['emails[type eq "work"].value eq "a"].value eq "b"', /end of input/],
    ['foo eq "a"', /Unknown attribute "foo"/],
    ['name.nope eq "a"', /Unknown attribute/],
    ['urn:example:unknown:User:userName eq "a"', /Unknown attribute/],
    ['emails[nope eq "a"]', /Unknown attribute/],
    ['active gt true', /cannot be used with boolean/],
    ['active co "t"', /cannot be used with boolean/],
    ['active eq "yes"', /boolean/],
    ['meta.created gt "yesterday"', /not a valid dateTime/],
    ['userName gt null', /null/],
    ['name eq "x"', /complex/],
    ['constructor eq "x"', /reserved/],
    ['__proto__ pr', /reserved/],
    ['name.prototype pr', /reserved/],
    ['userName eq "a" and '.repeat(1000) + 'title pr', /longer than/],
    ['('.repeat(40) + 'title pr' + ')'.repeat(40), /deeper than/],
  ];
  it.each(cases)('%s', (text, detail) => {
    const err = errorOf(() => parseFilter(text, USER_RESOURCE_TYPE));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe('invalidFilter');
    expect(err.detail).toMatch(detail);
  });
});
