import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';

import { AuditActor } from '../audit/audit.recorder';

/** Who is calling SCIM: set by the bearer guard on the request. */
export interface ScimPrincipal {
  tenantId: string;
  keyId: string;
  keyName: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    scimPrincipal?: ScimPrincipal;
  }
}

export function auditActorOf(
  request: FastifyRequest,
  principal?: Pick<ScimPrincipal, 'keyId' | 'keyName'>,
): AuditActor {
  return {
    keyId: principal?.keyId ?? null,
    name: principal?.keyName ?? null,
    requestId: String(request.id),
    userAgent: request.headers['user-agent'] ?? null,
    sourceIp: request.ip,
  };
}

export const CurrentScimPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): ScimPrincipal => {
    const principal = context.switchToHttp().getRequest<FastifyRequest>().scimPrincipal;
    if (!principal) throw new Error('CurrentScimPrincipal used on a route without ScimBearerGuard');
    return principal;
  },
);
