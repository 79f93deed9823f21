import { CORE_GROUP_SCHEMA } from '../constants';
import { attr, complex } from './attribute';
import type { SchemaDefinition } from './types';

/** RFC 7643 §4.2 Group schema. */
export const GROUP_SCHEMA: SchemaDefinition = {
  id: CORE_GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr('displayName', 'string', {
      description: 'A human-readable name for the Group. REQUIRED.',
      required: true,
    }),
    complex(
      'members',
      [
        attr('value', 'string', {
          description: 'Identifier of the member.',
          caseExact: true,
          mutability: 'immutable',
        }),
        attr('$ref', 'reference', {
          description: 'The URI of the member resource.',
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
        }),
        attr('display', 'string', {
          description: 'A human-readable name of the member.',
          mutability: 'readOnly',
        }),
        attr('type', 'string', {
          description: 'The type of the member.',
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
        }),
      ],
      { multiValued: true, description: 'A list of members of the Group.' },
    ),
  ],
};
