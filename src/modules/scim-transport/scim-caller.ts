import { FastifyRequest } from 'fastify';

import { evaluatePreconditions, ScimError } from '../../scim';
import { ScimPrincipal } from '../access-keys/scim-principal';
import { auditActorOf } from '../access-keys/scim-principal';
import { AuditActor } from '../audit/audit.recorder';

/** The caller of a SCIM write: which tenant, and who to name in the audit log. */
export interface ScimCaller {
  tenantId: string;
  actor: AuditActor;
}

export interface Preconditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

export function caller(principal: ScimPrincipal, request: FastifyRequest): ScimCaller {
  return { tenantId: principal.tenantId, actor: auditActorOf(request, principal) };
}

/** If-Match / If-None-Match on a write: 412 when the client's version is stale. */
export function checkPreconditions(preconditions: Preconditions, version: number): void {
  const outcome = evaluatePreconditions(preconditions, version, false);
  if (!outcome.ok)
    throw ScimError.preconditionFailed(`The resource has changed: its version is W/"${version}"`);
}
