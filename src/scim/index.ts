/**
 * Roster's SCIM 2.0 protocol library (RFC 7643, RFC 7644, RFC 9865): plain TypeScript with no
 * framework, database or I/O. The HTTP and persistence layers call these pure functions; every
 * protocol failure is a ScimError, turned into the RFC error body with toScimErrorBody.
 */
export * from './bulk';
export * from './constants';
export * from './cursor';
export * from './errors';
export * from './etag';
export * from './filter';
export * from './patch';
export * from './path';
export * from './projection';
export * from './query';
export * from './resource';
export * from './schema';
