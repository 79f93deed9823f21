import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { FastifyRequest } from 'fastify';

import { AuditActor } from '../modules/audit/audit.recorder';

/** The admin caller as the audit log records it: the management key, with request details. */
export const AdminActor = createParamDecorator((_: unknown, context: ExecutionContext): AuditActor => {
  const request = GqlExecutionContext.create(context).getContext<{ req: FastifyRequest }>().req;
  return {
    name: 'management-key',
    requestId: String(request.id),
    userAgent: request.headers['user-agent'] ?? null,
    sourceIp: request.ip,
  };
});
