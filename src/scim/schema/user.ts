import { CORE_USER_SCHEMA } from '../constants';
import { attr, complex, multiValuedComplex } from './attribute';
import type { SchemaDefinition } from './types';

const s = (name: string, description: string) => attr(name, 'string', { description });

/** RFC 7643 §4.1 core User schema (as listed in §8.7.1). */
export const USER_SCHEMA: SchemaDefinition = {
  id: CORE_USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'string', {
      description: 'Unique identifier for the User, typically used to sign in. REQUIRED.',
      required: true,
      uniqueness: 'server',
    }),
    complex(
      'name',
      [
        s('formatted', 'The full name, formatted for display.'),
        s('familyName', 'The family name of the User.'),
        s('givenName', 'The given name of the User.'),
        s('middleName', 'The middle name(s) of the User.'),
        s('honorificPrefix', 'The honorific prefix(es) of the User.'),
        s('honorificSuffix', 'The honorific suffix(es) of the User.'),
      ],
      { description: "The components of the user's real name." },
    ),
    s('displayName', 'The name of the User, suitable for display to end-users.'),
    s('nickName', 'The casual way to address the user.'),
    attr('profileUrl', 'reference', {
      description: "A fully qualified URL to the User's profile.",
      referenceTypes: ['external'],
    }),
    s('title', "The user's title, such as 'Vice President'."),
    s('userType', 'Used to identify the relationship between the organization and the user.'),
    s('preferredLanguage', "The User's preferred written or spoken language (RFC 7231 Accept-Language)."),
    s('locale', "The User's default location for localizing (e.g. en-US)."),
    s('timezone', "The User's time zone in IANA Time Zone database format (e.g. America/Los_Angeles)."),
    attr('active', 'boolean', {
      description: "A Boolean value indicating the User's administrative status.",
    }),
    attr('password', 'string', {
      description: "The User's cleartext password, write-only.",
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValuedComplex('emails', 'Email addresses for the user.', s('value', 'Email address for the user.'), [
      'work',
      'home',
      'other',
    ]),
    multiValuedComplex(
      'phoneNumbers',
      'Phone numbers for the User.',
      s('value', 'Phone number of the User.'),
      ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    ),
    multiValuedComplex(
      'ims',
      'Instant messaging addresses for the User.',
      s('value', 'Instant messaging address for the User.'),
      ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    ),
    multiValuedComplex(
      'photos',
      'URLs of photos of the User.',
      attr('value', 'reference', {
        description: 'URL of a photo of the User.',
        referenceTypes: ['external'],
      }),
      ['photo', 'thumbnail'],
    ),
    complex(
      'addresses',
      [
        s('formatted', 'The full mailing address, formatted for display.'),
        s('streetAddress', 'The full street address component.'),
        s('locality', 'The city or locality component.'),
        s('region', 'The state or region component.'),
        s('postalCode', 'The zip code or postal code component.'),
        s('country', 'The country name component (ISO 3166-1 alpha-2).'),
        attr('type', 'string', {
          description: 'A label indicating the function.',
          canonicalValues: ['work', 'home', 'other'],
        }),
        attr('primary', 'boolean', { description: 'Indicates the preferred mailing address.' }),
      ],
      { multiValued: true, description: 'A physical mailing address for this User.' },
    ),
    complex(
      'groups',
      [
        attr('value', 'string', { description: 'The identifier of the Group.', mutability: 'readOnly' }),
        attr('$ref', 'reference', {
          description: 'The URI of the Group.',
          mutability: 'readOnly',
          referenceTypes: ['User', 'Group'],
        }),
        attr('display', 'string', { description: 'A human-readable name.', mutability: 'readOnly' }),
        attr('type', 'string', {
          description: 'Direct or indirect membership.',
          mutability: 'readOnly',
          canonicalValues: ['direct', 'indirect'],
        }),
      ],
      {
        multiValued: true,
        mutability: 'readOnly',
        description: 'A list of groups to which the user belongs.',
      },
    ),
    multiValuedComplex(
      'entitlements',
      'A list of entitlements for the User.',
      s('value', 'The value of an entitlement.'),
      [],
    ),
    multiValuedComplex('roles', 'A list of roles for the User.', s('value', 'The value of a role.'), []),
    multiValuedComplex(
      'x509Certificates',
      'A list of certificates issued to the User.',
      attr('value', 'binary', { description: 'The value of an X.509 certificate.' }),
      [],
    ),
  ],
};
