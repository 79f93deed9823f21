import { ENTERPRISE_USER_SCHEMA } from '../constants';
import { attr, complex } from './attribute';
import type { SchemaDefinition } from './types';

const s = (name: string, description: string) => attr(name, 'string', { description });

/** RFC 7643 §4.3 Enterprise User extension. */
export const ENTERPRISE_USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    s('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person by the organization.'),
    s('costCenter', 'Identifies the name of a cost center.'),
    s('organization', 'Identifies the name of an organization.'),
    s('division', 'Identifies the name of a division.'),
    s('department', 'Identifies the name of a department.'),
    complex(
      'manager',
      [
        attr('value', 'string', { description: 'The id of the SCIM resource representing the manager.' }),
        attr('$ref', 'reference', { description: 'The URI of the manager.', referenceTypes: ['User'] }),
        attr('displayName', 'string', {
          description: 'The displayName of the manager.',
          mutability: 'readOnly',
        }),
      ],
      { description: "The User's manager." },
    ),
  ],
};
