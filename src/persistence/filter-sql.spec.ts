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
    ['userName eq "A@X.com"', '(lower(u.user_name) = $2)', ['a@x.com']],
    ['USERNAME eq "a"', '(lower(u.user_name) = $2)', ['a']],
    ['externalId eq "AbC"', '(u.external_id = $2)', ['AbC']],
    ['userName ne "a"', '(lower(u.user_name) IS DISTINCT FROM $2)', ['a']],
    ['displayName co "50%_x"', '(lower(u.display_name) LIKE $2)', ['%50\\%\\_x%']],
    ['userName sw "a"', '(lower(u.user_name) LIKE $2)', ['a%']],
    ['userName ew "a"', '(lower(u.user_name) LIKE $2)', ['%a']],
    ['userName gt "b"', '(lower(u.user_name) COLLATE "C" > $2)', ['b']],
    ['userName ge "b"', '(lower(u.user_name) COLLATE "C" >= $2)', ['b']],
    ['userName lt "b"', '(lower(u.user_name) COLLATE "C" < $2)', ['b']],
    ['userName le "b"', '(lower(u.user_name) COLLATE "C" <= $2)', ['b']],
    ['title pr', "(coalesce(u.data->>'title' <> '', false))", []],
    ['active eq false', '(u.active = $2::boolean)', [false]],
    [
      'meta.created gt "2024-01-31T12:00:00+01:00"',
      '(u.created_at > $2::timestamptz)',
      ['2024-01-31T11:00:00.000Z'],
    ],
    [
      'meta.lastModified le "2024-01-31T12:00:00Z"',
      '(u.updated_at <= $2::timestamptz)',
      ['2024-01-31T12:00:00.000Z'],
    ],
    [`id eq "${ID.toUpperCase()}"`, '(u.id = $2::uuid)', [ID]],
    ['id eq "not-a-uuid"', 'FALSE', []],
    ['externalId eq null', "(NOT coalesce(u.external_id <> '', false))", []],
    [
      'title eq "a" and active eq true',
      "((lower(u.data->>'title') = $2) AND (u.active = $3::boolean))",
      ['a', true],
    ],
    [
      'title eq "a" or title eq "b" or title eq "c"',
      "((lower(u.data->>'title') = $2) OR (lower(u.data->>'title') = $3) OR (lower(u.data->>'title') = $4))",
      ['a', 'b', 'c'],
    ],
    ['not (title pr)', "(NOT coalesce((coalesce(u.data->>'title' <> '', false)), false))", []],
    ['not (title eq "a")', "(NOT coalesce((lower(u.data->>'title') = $2), false))", ['a']],
    ['name.familyName eq "J"', "(lower(u.data->'name'->>'familyName') = $2)", ['j']],
    [`${E}:department eq "Ops"`, `(lower(u.data->'${E}'->>'department') = $2)`, ['ops']],
    [`${E}:manager.value eq "m"`, `(lower(u.data->'${E}'->'manager'->>'value') = $2)`, ['m']],
    [
      'emails.type eq "work"',
      `EXISTS (SELECT 1 FROM ${EMAILS} AS e(el) WHERE (lower(e.el->>'type') = $2))`,
      ['work'],
    ],
    [
      'emails eq "A@x.com"',
      `(u.email_values @> ARRAY[$3]::text[] AND EXISTS (SELECT 1 FROM ${EMAILS} AS e(el) WHERE (lower(e.el->>'value') = $2)))`,
      ['a@x.com', 'a@x.com'],
    ],
    [
      'emails[type eq "work" and value co "@"]',
      `EXISTS (SELECT 1 FROM ${EMAILS} AS e(el) WHERE ((lower(e.el->>'type') = $2) AND (lower(e.el->>'value') LIKE $3)))`,
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
    ['displayName eq "Admins"', '(lower(g.display_name) = $2)', ['admins']],
    [
      `members eq "${ID}"`,
      `EXISTS (SELECT 1 FROM scim_group_member gm WHERE gm.tenant_id = g.tenant_id AND gm.group_id = g.id AND (gm.member_id = $2::uuid))`,
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
      sql: '(lower(m.member_type) = $2)',
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
