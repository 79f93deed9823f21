import { GROUP_FILTER_MAP, MEMBER_ROW_FILTER_MAP } from '../modules/scim-groups/group-filter-map';
import { USER_FILTER_MAP } from '../modules/scim-users/user-filter-map';
import { GROUP_RESOURCE_TYPE, parseFilter, ScimError, USER_RESOURCE_TYPE } from '../scim';
import { compileFilter, FilterSqlMap } from './filter-sql';
import { SqlParams } from './sql-params';

const E = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ID = '6d1a4e7f-9a8b-4c3d-8e2f-1a2b3c4d5e6f';
const EMAILS = `jsonb_array_elements(CASE WHEN jsonb_typeof(u.data->'emails') = 'array' THEN u.data->'emails' ELSE '[]'::jsonb END)`;

function compileUser(text: string, map: FilterSqlMap = USER_FILTER_MAP) {
  const params = new SqlParams(['tenant']);
  const sql = compileFilter(parseFilter(text, USER_RESOURCE_TYPE), map, params);
  return {
    sql: sql
      .replace(/\s+/g, ' ')
      .replace(/AS e\d+\(el\)/g, 'AS e(el)')
      .replace(/e\d+\.el/g, 'e.el'),
    params: params.values.slice(1),
  };
}

function compileGroup(text: string, map: FilterSqlMap = GROUP_FILTER_MAP) {
  const params = new SqlParams(['tenant']);
  const sql = compileFilter(parseFilter(text, GROUP_RESOURCE_TYPE), map, params);
  return { sql: sql.replace(/\s+/g, ' '), params: params.values.slice(1) };
}

describe('compileFilter: filter tree to parameterised SQL', () => {
  const userCases: Array<[string, string, unknown[]]> = [
    ['userName eq "A@X.com"', 'coalesce(lower(u.user_name) = $2, false)', ['a@x.com']],
    ['USERNAME eq "a"', 'coalesce(lower(u.user_name) = $2, false)', ['a']],
    ['externalId eq "AbC"', 'coalesce(u.external_id = $2, false)', ['AbC']],
    ['userName ne "a"', '(lower(u.user_name) IS DISTINCT FROM $2)', ['a']],
    ['displayName co "50%_x"', 'coalesce(lower(u.display_name) LIKE $2, false)', ['%50\\%\\_x%']],
    ['userName sw "a"', 'coalesce(lower(u.user_name) LIKE $2, false)', ['a%']],
    ['userName ew "a"', 'coalesce(lower(u.user_name) LIKE $2, false)', ['%a']],
    ['userName gt "b"', 'coalesce(lower(u.user_name) COLLATE "C" > $2, false)', ['b']],
    ['userName ge "b"', 'coalesce(lower(u.user_name) COLLATE "C" >= $2, false)', ['b']],
    ['userName lt "b"', 'coalesce(lower(u.user_name) COLLATE "C" < $2, false)', ['b']],
    ['userName le "b"', 'coalesce(lower(u.user_name) COLLATE "C" <= $2, false)', ['b']],
    ['title pr', "(coalesce(u.data->>'title' <> '', false))", []],
    ['active eq false', 'coalesce(u.active = $2::boolean, false)', [false]],
    [
      'meta.created gt "2024-01-31T12:00:00+01:00"',
      'coalesce(u.created_at > $2::timestamptz, false)',
      ['2024-01-31T11:00:00.000Z'],
    ],
    [
      'meta.lastModified le "2024-01-31T12:00:00Z"',
      'coalesce(u.updated_at <= $2::timestamptz, false)',
      ['2024-01-31T12:00:00.000Z'],
    ],
    [`id eq "${ID.toUpperCase()}"`, 'coalesce(u.id = $2::uuid, false)', [ID]],
    ['id eq "not-a-uuid"', 'FALSE', []],
    ['externalId eq null', "(NOT coalesce(u.external_id <> '', false))", []],
    [
      'title eq "a" and active eq true',
      "(coalesce(lower(u.data->>'title') = $2, false) AND coalesce(u.active = $3::boolean, false))",
      ['a', true],
    ],
    [
      'title eq "a" or title eq "b" or title eq "c"',
      "(coalesce(lower(u.data->>'title') = $2, false) OR coalesce(lower(u.data->>'title') = $3, false) OR coalesce(lower(u.data->>'title') = $4, false))",
      ['a', 'b', 'c'],
    ],
    ['not (title pr)', "(NOT (coalesce(u.data->>'title' <> '', false)))", []],
    ['name.familyName eq "J"', "coalesce(lower(u.data->'name'->>'familyName') = $2, false)", ['j']],
    [`${E}:department eq "Ops"`, `coalesce(lower(u.data->'${E}'->>'department') = $2, false)`, ['ops']],
    [`${E}:manager.value eq "m"`, `coalesce(lower(u.data->'${E}'->'manager'->>'value') = $2, false)`, ['m']],
    [
      'emails.type eq "work"',
      `EXISTS (SELECT 1 FROM ${EMAILS} AS e(el) WHERE coalesce(lower(e.el->>'type') = $2, false))`,
      ['work'],
    ],
    [
      'emails eq "A@x.com"',
      `(u.email_values @> ARRAY[$3]::text[] AND EXISTS (SELECT 1 FROM ${EMAILS} AS e(el) WHERE coalesce(lower(e.el->>'value') = $2, false)))`,
      ['a@x.com', 'a@x.com'],
    ],
    [
      'emails[type eq "work" and value co "@"]',
      `EXISTS (SELECT 1 FROM ${EMAILS} AS e(el) WHERE (coalesce(lower(e.el->>'type') = $2, false) AND coalesce(lower(e.el->>'value') LIKE $3, false)))`,
      ['work', '%@%'],
    ],
    [
      'phoneNumbers pr',
      `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(u.data->'phoneNumbers') = 'array' THEN u.data->'phoneNumbers' ELSE '[]'::jsonb END) AS e(el) WHERE TRUE)`,
      [],
    ],
  ];

  it.each(userCases)('User: %s', (text, sql, params) => {
    expect(compileUser(text)).toEqual({ sql, params });
  });

  it.each([
    ['displayName eq "Admins"', 'coalesce(lower(g.display_name) = $2, false)', ['admins']],
    [
      `members eq "${ID}"`,
      `EXISTS (SELECT 1 FROM scim_group_member gm WHERE gm.tenant_id = g.tenant_id AND gm.group_id = g.id AND coalesce(gm.member_id = $2::uuid, false))`,
      [ID],
    ],
    [
      'members pr',
      'EXISTS (SELECT 1 FROM scim_group_member gm WHERE gm.tenant_id = g.tenant_id AND gm.group_id = g.id AND TRUE)',
      [],
    ],
  ] as Array<[string, string, unknown[]]>)('Group: %s', (text, sql, params) => {
    expect(compileGroup(text)).toEqual({ sql, params });
  });

  it('member rows: members[type eq "User"] for PATCH remove', () => {
    expect(compileGroup('members[type eq "User"]', MEMBER_ROW_FILTER_MAP)).toEqual({
      sql: 'coalesce(lower(m.member_type) = $2, false)',
      params: ['user'],
    });
  });

  it.each([
    `userName eq "x' OR '1'='1"`,
    `displayName co "'; DROP TABLE scim_user; --"`,
    `${E}:department eq "') OR true --"`,
    'emails[value eq "\\" OR 1=1 --"]',
  ])('values never reach the SQL text: %s', (text) => {
    const { sql, params } = compileUser(text);
    expect(sql).not.toMatch(/DROP|OR true|'1'='1|1=1/i);
    expect(params.length).toBeGreaterThan(0);
  });

  it.each([
    ['active co "t"', 'boolean'],
    ['meta.created gt "yesterday"', 'dateTime'],
    ['x509Certificates.value gt "a"', ''],
  ])('%s is invalidFilter', (text, detail) => {
    let error: unknown;
    try {
      compileUser(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).scimType).toBe('invalidFilter');
    expect((error as ScimError).detail).toContain(detail);
  });

  it('guards the tree on its own too: a hand-built co on a boolean is invalidFilter, not bad SQL', () => {
    const tree = {
      kind: 'compare',
      path: { schema: USER_RESOURCE_TYPE.schema.id, attr: 'active' },
      op: 'co',
      value: 't',
    } as const;
    expect(() => compileFilter(tree, USER_FILTER_MAP, new SqlParams())).toThrow(/needs true or false/);
  });
});
