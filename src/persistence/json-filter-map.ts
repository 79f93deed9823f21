import type { AttrPath } from '../scim/path/attr-path';
import { resolveAttribute } from '../scim/schema/resolver';
import type { AttributeDefinition, ResourceTypeDefinition } from '../scim/schema/types';
import type { ElementsTarget, FilterSqlMap, FilterTarget, ScalarTarget, SqlValueType } from './filter-sql';
import { SqlParams } from './sql-params';

/** Only schema-defined names ever reach SQL, but quote defensively all the same. */
function jsonKey(name: string): string {
  if (!/^[A-Za-z0-9:._$-]+$/.test(name)) throw new Error(`unsafe JSON key ${name}`);
  return `'${name}'`;
}

function sqlType(definition: AttributeDefinition): SqlValueType {
  switch (definition.type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
    case 'decimal':
      return 'number';
    case 'dateTime':
      return 'dateTime';
    case 'string':
    case 'reference':
    case 'binary':
    case 'complex':
      return 'string';
  }
}

/** A JSON text value cast to the SQL type its attribute has. */
function typedJson(textSql: string, definition: AttributeDefinition): ScalarTarget {
  const type = sqlType(definition);
  const sql =
    type === 'boolean'
      ? `(${textSql})::boolean`
      : type === 'number'
        ? `(${textSql})::numeric`
        : type === 'dateTime'
          ? `(${textSql})::timestamptz`
          : textSql;
  return {
    kind: 'scalar',
    sql,
    type,
    caseExact: definition.caseExact,
    presentSql: type === 'string' ? `coalesce(${textSql} <> '', false)` : `${textSql} IS NOT NULL`,
  };
}

export interface JsonFilterMapOptions {
  /** The resource document column, e.g. `u.data`. */
  readonly document: string;
  /** Canonical paths (`userName`, `meta.created`, `emails`) served by dedicated SQL instead of JSON. */
  readonly overrides: Readonly<Record<string, FilterTarget>>;
}

/**
 * Filter targets for a resource stored as one JSON document: every schema attribute is reachable
 * through `->`/`->>` paths of fixed, schema-derived keys, and indexed columns take over where given.
 */
export function jsonFilterMap(rt: ResourceTypeDefinition, options: JsonFilterMapOptions): FilterSqlMap {
  return {
    resolve(path: AttrPath): FilterTarget | undefined {
      const resolved = resolveAttribute(rt, path);
      if (!resolved) return undefined;
      const top = resolved.isExtension
        ? `${resolved.schema}:${resolved.attribute.name}`
        : resolved.attribute.name;
      const canonical = resolved.subAttribute ? `${top}.${resolved.subAttribute.name}` : top;
      const override =
        options.overrides[canonical] ?? (resolved.subAttribute ? undefined : options.overrides[top]);
      if (override) return override;

      const container = resolved.isExtension
        ? `${options.document}->${jsonKey(resolved.schema)}`
        : options.document;
      const attribute = resolved.attribute;
      if (attribute.multiValued) {
        if (attribute.type !== 'complex') return undefined;
        return jsonElements(`${container}->${jsonKey(attribute.name)}`, attribute);
      }
      if (resolved.subAttribute) {
        return typedJson(
          `${container}->${jsonKey(attribute.name)}->>${jsonKey(resolved.subAttribute.name)}`,
          resolved.subAttribute,
        );
      }
      if (attribute.type === 'complex') {
        return {
          kind: 'scalar',
          sql: `${container}->${jsonKey(attribute.name)}`,
          type: 'string',
          caseExact: true,
          presentSql: `(jsonb_typeof(${container}->${jsonKey(attribute.name)}) = 'object')`,
        };
      }
      return typedJson(`${container}->>${jsonKey(attribute.name)}`, attribute);
    },
  };
}

let aliasCounter = 0;

/** Elements of a JSON array attribute: `EXISTS (SELECT 1 FROM jsonb_array_elements(...) e WHERE ...)`. */
export function jsonElements(
  arraySql: string,
  attribute: AttributeDefinition,
  indexHint?: (subAttr: string, value: string, params: SqlParams) => string | undefined,
): ElementsTarget {
  const alias = `e${++aliasCounter % 1000}`;
  return {
    kind: 'elements',
    defaultSub: 'value',
    exists: (condition) =>
      `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${arraySql}) = 'array' THEN ${arraySql} ELSE '[]'::jsonb END) AS ${alias}(el) WHERE ${condition})`,
    sub: (subAttr) => {
      const definition = attribute.subAttributes?.find((sub) => sub.name === subAttr);
      return definition ? typedJson(`${alias}.el->>${jsonKey(definition.name)}`, definition) : undefined;
    },
    indexHint,
  };
}
