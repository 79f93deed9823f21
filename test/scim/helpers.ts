import { Response } from 'supertest';

import { provisionedTenant } from '../support/factories';
import {
  ENTERPRISE,
  ERROR_SCHEMA,
  GROUP_SCHEMA,
  newUser,
  SCIM,
  ScimClient,
  scimClient,
} from '../support/scim-client';
import { TestApp } from '../support/test-app';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const WEAK_ETAG = /^W\/"[^"]+"$/;
export const BASE = 'https://roster.test/scim/v2';

/** A fresh tenant with its own key and client: tests never see each other's rows. */
export async function tenantClient(
  ctx: TestApp,
): Promise<{ scim: ScimClient; tenantId: string; keyId: string }> {
  const { tenant, key } = await provisionedTenant(ctx);
  return { scim: scimClient(ctx, key.bearer), tenantId: tenant.id, keyId: key.id };
}

/** A SCIM error body with this status (and scimType when given), and the SCIM media type. */
export function expectScimError(response: Response, status: number, scimType?: string): void {
  const context = `${response.status} ${JSON.stringify(response.body)}`;
  expect({ status: response.status, context }).toEqual({ status, context });
  expect(response.headers['content-type']).toContain(SCIM);
  expect(response.body.schemas).toEqual([ERROR_SCHEMA]);
  expect(response.body.status).toBe(String(status));
  if (scimType !== undefined) expect(response.body.scimType).toBe(scimType);
  expect(typeof response.body.detail).toBe('string');
}

/** Fails with the body in the message, which says more than "expected 201, got 400". */
export function expectStatus(response: Response, status: number): void {
  const context = `${response.status} ${JSON.stringify(response.body)}`;
  expect({ status: response.status, context }).toEqual({ status, context });
}

export async function createUser(scim: ScimClient, overrides: Record<string, unknown> = {}) {
  const response = await scim.post('/Users', newUser(overrides));
  expectStatus(response, 201);
  return response.body as Record<string, any> & { id: string; userName: string };
}

let groupSequence = 0;
export async function createGroup(scim: ScimClient, overrides: Record<string, unknown> = {}) {
  const response = await scim.post('/Groups', {
    schemas: [GROUP_SCHEMA],
    displayName: `group-${Date.now().toString(36)}-${++groupSequence}`,
    ...overrides,
  });
  expectStatus(response, 201);
  return response.body as Record<string, any> & { id: string; displayName: string };
}

export const memberIds = (group: { members?: Array<{ value: string }> }) =>
  (group.members ?? []).map((member) => member.value).sort();

export const enterprise = (resource: Record<string, any>) => resource[ENTERPRISE] as Record<string, any>;

/** The change events issue 3 names (requests that change nothing may leave other events, issue 6). */
const CHANGE_EVENTS = [
  'scim.user.created',
  'scim.user.updated',
  'scim.user.deactivated',
  'scim.user.reactivated',
  'scim.user.deleted',
  'scim.group.created',
  'scim.group.updated',
  'scim.group.deleted',
  'scim.group.members_added',
  'scim.group.members_removed',
];

/** Successful change events of a tenant, oldest first: exactly one per committed write. */
export async function auditEvents(ctx: TestApp, tenantId: string): Promise<Array<Record<string, any>>> {
  return ctx.db.query(
    `SELECT type, category, outcome, actor_key_id, target_id, target_login, target_email, target_display_name,
            changed_attributes, request_id, user_agent, http_status, details
       FROM audit_event WHERE tenant_id = $1 AND type = ANY($2) AND outcome = 'success'
      ORDER BY occurred_at, id`,
    [tenantId, CHANGE_EVENTS],
  );
}

export async function outboxRows(ctx: TestApp, tenantId: string): Promise<Array<Record<string, any>>> {
  return ctx.db.query(
    `SELECT job_name, payload FROM outbox_message WHERE payload->>'tenantId' = $1 ORDER BY created_at, id`,
    [tenantId],
  );
}
