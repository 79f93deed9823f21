/** Attribute and schema definitions in the shape of RFC 7643 §7, as plain data. */

export type AttributeType =
  'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'binary' | 'reference' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly subAttributes?: readonly AttributeDefinition[];
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

export interface SchemaExtensionRef {
  readonly schema: SchemaDefinition;
  readonly required: boolean;
}

export interface ResourceTypeDefinition {
  /** "User" or "Group"; also the value of meta.resourceType. */
  readonly id: string;
  readonly name: string;
  readonly endpoint: string;
  readonly description: string;
  readonly schema: SchemaDefinition;
  readonly schemaExtensions: readonly SchemaExtensionRef[];
  /** Extra URNs accepted as the core schema on input (Entra's legacy Group URI). */
  readonly schemaAliases?: readonly string[];
  /**
   * A multi-valued attribute kept outside the resource document (Group.members: rows, not an
   * array). PATCH emits ordered changes for it instead of editing the array.
   */
  readonly membershipAttribute?: string;
}

/** Every SCIM resource as JSON: core attributes at the top, extension attributes under their URN. */
export interface ScimResource {
  schemas: string[];
  id?: string;
  externalId?: string;
  meta?: ScimMeta;
  [attribute: string]: unknown;
}

export interface ScimMeta {
  resourceType?: string;
  created?: string;
  lastModified?: string;
  location?: string;
  version?: string;
}
