import { ScimReadEventType } from './audit-event-types';

/**
 * What a SCIM request is, for the audit log: a read (recorded by the interceptor), a write
 * (recorded by the SCIM services inside their transaction when it succeeds) or something else
 * (/Bulk, whose operations record themselves; /Me and unknown paths, which always fail).
 * Plain code, no framework: decided from the method and the matched route template.
 */
export type ScimRequestKind =
  | {
      kind: 'read';
      type: ScimReadEventType;
      resource: string;
      lookup?: { resourceType: 'User' | 'Group'; id: string };
    }
  | { kind: 'write'; resource: string; lookup?: { resourceType: 'User' | 'Group'; id: string } }
  | { kind: 'other'; resource: string };

const BASE = '/scim/v2';
const DISCOVERY = new Set([
  'ServiceProviderConfig',
  'Schemas',
  'Schemas/:id',
  'ResourceTypes',
  'ResourceTypes/:id',
]);

export function classifyScimRequest(
  method: string,
  route: string | undefined,
  params: Record<string, string | undefined>,
): ScimRequestKind {
  const path = (route ?? '').startsWith(`${BASE}/`) ? (route ?? '').slice(BASE.length + 1) : '';
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const id = params.id;
  if (DISCOVERY.has(path)) {
    return verb === 'GET'
      ? { kind: 'read', type: 'scim.discovery.read', resource: path.split('/')[0] }
      : { kind: 'other', resource: path.split('/')[0] };
  }
  for (const [collection, resourceType] of [
    ['Users', 'User'],
    ['Groups', 'Group'],
  ] as const) {
    const single = resourceType === 'User' ? 'scim.user.read' : 'scim.group.read';
    const listed = resourceType === 'User' ? 'scim.users.listed' : 'scim.groups.listed';
    if (path === collection) {
      if (verb === 'GET') return { kind: 'read', type: listed, resource: collection };
      return { kind: 'write', resource: collection };
    }
    if (path === `${collection}/.search`) {
      return verb === 'POST'
        ? { kind: 'read', type: 'scim.search', resource: collection }
        : { kind: 'other', resource: collection };
    }
    if (path === `${collection}/:id` && id !== undefined) {
      const lookup = { resourceType, id };
      if (verb === 'GET') return { kind: 'read', type: single, resource: collection, lookup };
      return { kind: 'write', resource: collection, lookup };
    }
  }
  if (path === '.search' && verb === 'POST') return { kind: 'read', type: 'scim.search', resource: 'root' };
  if (path === 'Bulk') return { kind: 'other', resource: 'Bulk' };
  return { kind: 'other', resource: path === '' ? 'unknown' : path.split('/')[0] };
}

const MAX_TEXT = 512;
const clip = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.slice(0, MAX_TEXT) : undefined;

/** The list parameters a read's `details` keep, by lower-case name. */
const READ_PARAMETERS = new Map(
  ['filter', 'startIndex', 'count', 'cursor', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes'].map(
    (name) => [name.toLowerCase(), name],
  ),
);

/** The read's parameters, length-limited, for `details`: what the IdP asked for. */
export function readDetails(
  query: Record<string, unknown> | undefined,
  body: unknown,
  searched: boolean,
): Record<string, unknown> {
  const source: Record<string, unknown> = searched && isObject(body) ? body : (query ?? {});
  const details: Record<string, unknown> = {};
  // One pass over what was sent (parameter names are case-insensitive); the first spelling wins.
  for (const key of Object.keys(source)) {
    const name = READ_PARAMETERS.get(key.toLowerCase());
    if (name === undefined || name in details) continue;
    const value = detailValue(source[key]);
    if (value !== undefined) details[name] = value;
  }
  return details;
}

function detailValue(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return clip(value.join(','));
  return clip(value);
}

/** `<attribute> eq "<value>"`, compiled once: every audited list request runs them. */
const eqQuoted = (attribute: string) =>
  new RegExp(`${attribute}\\s+eq\\s+"((?:[^"\\\\]|\\\\.){1,320})"`, 'i');
const TARGET_PATTERNS = {
  login: eqQuoted('(?:^|[\\s(])userName'),
  email: eqQuoted('emails(?:\\[[^\\]]*\\])?(?:\\.value)?'),
  displayName: eqQuoted('(?:^|[\\s(])displayName'),
};

function quotedOperand(pattern: RegExp, filter: string): string | undefined {
  const match = pattern.exec(filter);
  return match ? match[1].replace(/\\(.)/g, '$1') : undefined;
}

/**
 * The user or group a filter looks for, so that "did the IdP ever ask for this user?" is found
 * by a search on the login or email: `userName eq "x"`, `emails eq "x"`, `emails.value eq "x"`,
 * `emails[type eq "work"].value eq "x"`, `displayName eq "x"`.
 */
export function filterTargets(filter: unknown): { login?: string; email?: string; displayName?: string } {
  if (typeof filter !== 'string' || filter.length > 2_048) return {};
  return {
    login: quotedOperand(TARGET_PATTERNS.login, filter),
    email: quotedOperand(TARGET_PATTERNS.email, filter),
    displayName: quotedOperand(TARGET_PATTERNS.displayName, filter),
  };
}

/** userName / primary email / displayName of a SCIM body, for a write that failed. */
export function bodyTargets(body: unknown): { login?: string; email?: string; displayName?: string } {
  if (!isObject(body)) return {};
  const emails = Array.isArray(body.emails) ? body.emails.filter(isObject) : [];
  const email = (emails.find((entry) => entry.primary === true) ?? emails[0])?.value;
  return { login: clip(body.userName), email: clip(email), displayName: clip(body.displayName) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
