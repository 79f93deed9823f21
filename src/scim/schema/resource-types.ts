import { ENTRA_LEGACY_GROUP_SCHEMA } from '../constants';
import { ENTERPRISE_USER_SCHEMA_DEFINITION } from './enterprise-user';
import { GROUP_SCHEMA } from './group';
import type { ResourceTypeDefinition } from './types';
import { USER_SCHEMA } from './user';

export const USER_RESOURCE_TYPE: ResourceTypeDefinition = {
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: USER_SCHEMA,
  schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA_DEFINITION, required: false }],
};

export const GROUP_RESOURCE_TYPE: ResourceTypeDefinition = {
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: GROUP_SCHEMA,
  schemaExtensions: [],
  schemaAliases: [ENTRA_LEGACY_GROUP_SCHEMA],
  membershipAttribute: 'members',
};

export const RESOURCE_TYPES: readonly ResourceTypeDefinition[] = [USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE];
export const ALL_SCHEMAS = [USER_SCHEMA, ENTERPRISE_USER_SCHEMA_DEFINITION, GROUP_SCHEMA] as const;
