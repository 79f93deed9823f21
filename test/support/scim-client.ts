import { TestApp } from './test-app';

export const SCIM = 'application/scim+json';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** SCIM requests as an IdP sends them: bearer, application/scim+json. */
export function scimClient(ctx: TestApp, bearer: string) {
  const withAuth = <T extends { set(name: string, value: string): T }>(
    call: T,
    headers: Record<string, string> = {},
  ) => {
    let request = call.set('authorization', bearer);
    for (const [name, value] of Object.entries(headers)) request = request.set(name, value);
    return request;
  };
  const send = (
    method: 'post' | 'put' | 'patch',
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) =>
    withAuth(ctx.http[method](`/scim/v2${path}`), { 'content-type': SCIM, ...headers }).send(
      typeof body === 'string' ? body : JSON.stringify(body),
    );
  return {
    get: (path: string, headers: Record<string, string> = {}) =>
      withAuth(ctx.http.get(`/scim/v2${path}`), headers),
    post: (path: string, body: unknown, headers?: Record<string, string>) =>
      send('post', path, body, headers),
    put: (path: string, body: unknown, headers?: Record<string, string>) => send('put', path, body, headers),
    patch: (path: string, body: unknown, headers?: Record<string, string>) =>
      send('patch', path, body, headers),
    delete: (path: string, headers: Record<string, string> = {}) =>
      withAuth(ctx.http.delete(`/scim/v2${path}`), headers),
  };
}

export type ScimClient = ReturnType<typeof scimClient>;

let sequence = 0;
export function newUser(overrides: Record<string, unknown> = {}) {
  const n = `${Date.now().toString(36)}${++sequence}`;
  return {
    schemas: [USER_SCHEMA],
    userName: `user${n}@example.com`,
    name: { givenName: 'Barbara', familyName: `Jensen${n}` },
    emails: [{ value: `user${n}@example.com`, type: 'work', primary: true }],
    active: true,
    ...overrides,
  };
}

export function patchOps(...Operations: unknown[]) {
  return { schemas: [PATCH_OP], Operations };
}
