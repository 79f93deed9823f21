import type { AttributeDefinition, AttributeType } from './types';

type Options = Partial<Omit<AttributeDefinition, 'name' | 'type'>>;

/** Builds a definition with the RFC 7643 §2.2 defaults, so the schema files only list what differs. */
export function attr(name: string, type: AttributeType, options: Options = {}): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description: '',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

export function complex(
  name: string,
  subAttributes: AttributeDefinition[],
  options: Options = {},
): AttributeDefinition {
  return attr(name, 'complex', { ...options, subAttributes });
}

/** The usual shape of a multi-valued attribute such as emails: value, display, type, primary. */
export function multiValuedComplex(
  name: string,
  description: string,
  value: AttributeDefinition,
  types: string[],
  options: Options = {},
): AttributeDefinition {
  return complex(
    name,
    [
      value,
      attr('display', 'string', {
        description: 'A human-readable name, primarily used for display purposes.',
      }),
      attr('type', 'string', {
        description: `A label indicating the attribute's function.`,
        canonicalValues: types,
      }),
      attr('primary', 'boolean', { description: 'Indicates the preferred value for this attribute.' }),
    ],
    { multiValued: true, description, ...options },
  );
}
