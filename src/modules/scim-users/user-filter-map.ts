import { ElementsTarget, FilterSqlMap, ScalarTarget } from '../../persistence/filter-sql';
import { jsonElements, jsonFilterMap } from '../../persistence/json-filter-map';
import { findAttribute, USER_RESOURCE_TYPE } from '../../scim';

const column = (sql: string, type: ScalarTarget['type'], caseExact: boolean): ScalarTarget => ({
  kind: 'scalar',
  sql,
  type,
  caseExact,
});

const emails = findAttribute(USER_RESOURCE_TYPE.schema.attributes, 'emails');
if (!emails) throw new Error('User schema has no emails');

/** `groups` is computed from membership rows, so it is filtered through them. */
const groups: ElementsTarget = {
  kind: 'elements',
  defaultSub: 'value',
  exists: (condition) =>
    `EXISTS (SELECT 1 FROM scim_group_member gm JOIN scim_group g ON g.tenant_id = gm.tenant_id AND g.id = gm.group_id
              WHERE gm.tenant_id = u.tenant_id AND gm.member_user_id = u.id AND ${condition})`,
  sub: (subAttr) => {
    switch (subAttr) {
      case 'value':
        return column('gm.group_id', 'uuid', true);
      case 'display':
        return column('g.display_name', 'string', false);
      case 'type':
        return column(`'direct'`, 'string', false);
      default:
        return undefined;
    }
  },
};

/**
 * Filter SQL for users (table alias `u`): indexed columns for what IdPs filter on (userName,
 * externalId, emails values, meta dates), JSON paths into `u.data` for everything else.
 */
export const USER_FILTER_MAP: FilterSqlMap = jsonFilterMap(USER_RESOURCE_TYPE, {
  document: 'u.data',
  overrides: {
    id: column('u.id', 'uuid', true),
    userName: column('u.user_name', 'string', false),
    externalId: column('u.external_id', 'string', true),
    displayName: column('u.display_name', 'string', false),
    active: column('u.active', 'boolean', true),
    'meta.created': column('u.created_at', 'dateTime', true),
    'meta.lastModified': column('u.updated_at', 'dateTime', true),
    'meta.resourceType': column(`'User'`, 'string', true),
    emails: jsonElements(`u.data->'emails'`, emails, (subAttr, value, params) =>
      // Lower-cased email values are GIN-indexed: a candidate set before the exact element check.
      subAttr === 'value' ? `u.email_values @> ARRAY[${params.add(value.toLowerCase())}]::text[]` : undefined,
    ),
    groups,
  },
});
