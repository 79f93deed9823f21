export { coerceAttributeValue } from './coerce';
export { COMMON_ATTRIBUTES } from './common';
export * from './discovery';
export { ENTERPRISE_USER_SCHEMA_DEFINITION } from './enterprise-user';
export { GROUP_SCHEMA } from './group';
export {
  findAttribute,
  findExtension,
  findSchema,
  requireAttribute,
  resolveAttribute,
  type ResolvedAttribute,
  schemasOf,
} from './resolver';
export { ALL_SCHEMAS, GROUP_RESOURCE_TYPE, RESOURCE_TYPES, USER_RESOURCE_TYPE } from './resource-types';
export type * from './types';
export { USER_SCHEMA } from './user';
