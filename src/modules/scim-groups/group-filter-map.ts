import { ElementsTarget, FilterSqlMap, ScalarTarget } from '../../persistence/filter-sql';
import { jsonFilterMap } from '../../persistence/json-filter-map';
import { GROUP_RESOURCE_TYPE } from '../../scim';

const column = (sql: string, type: ScalarTarget['type'], caseExact: boolean): ScalarTarget => ({
  kind: 'scalar',
  sql,
  type,
  caseExact,
});

/** Member sub-attributes on a membership row `alias`; `display` is the member user's name. */
function memberSub(alias: string) {
  return (subAttr: string): ScalarTarget | undefined => {
    switch (subAttr) {
      case 'value':
        return column(`${alias}.member_id`, 'uuid', true);
      case 'type':
        return column(`${alias}.member_type`, 'string', false);
      case 'display':
        return column(
          `(SELECT coalesce(mu.display_name, mu.user_name) FROM scim_user mu
             WHERE mu.tenant_id = ${alias}.tenant_id AND mu.id = ${alias}.member_user_id)`,
          'string',
          false,
        );
      default:
        return undefined;
    }
  };
}

const members: ElementsTarget = {
  kind: 'elements',
  defaultSub: 'value',
  exists: (condition) =>
    `EXISTS (SELECT 1 FROM scim_group_member gm WHERE gm.tenant_id = g.tenant_id AND gm.group_id = g.id AND ${condition})`,
  sub: memberSub('gm'),
};

/** Filter SQL for groups (alias `g`); `members` through the membership rows. */
export const GROUP_FILTER_MAP: FilterSqlMap = jsonFilterMap(GROUP_RESOURCE_TYPE, {
  document: `'{}'::jsonb`,
  overrides: {
    id: column('g.id', 'uuid', true),
    displayName: column('g.display_name', 'string', false),
    externalId: column('g.external_id', 'string', true),
    'meta.created': column('g.created_at', 'dateTime', true),
    'meta.lastModified': column('g.updated_at', 'dateTime', true),
    'meta.resourceType': column(`'Group'`, 'string', true),
    members,
  },
});

/**
 * For PATCH `remove members[...]`: the filter is evaluated on one membership row `m`, so the
 * matching rows are deleted in one statement.
 */
export const MEMBER_ROW_FILTER_MAP: FilterSqlMap = {
  resolve: (path) =>
    path.attr === 'members'
      ? { kind: 'elements', defaultSub: 'value', exists: (condition) => condition, sub: memberSub('m') }
      : undefined,
};
