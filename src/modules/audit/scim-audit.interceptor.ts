import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, Observable, switchMap, tap, throwError } from 'rxjs';
import { DataSource } from 'typeorm';

import { SCIM_BASE_PATH, toScimError } from '../../http/all-exceptions.filter';
import { auditActorOf, ScimPrincipal } from '../access-keys/scim-principal';
import { AuditRecorder } from './audit.recorder';
import { AuditBuffer } from './audit-buffer';
import { SCIM_REQUEST_FAILED } from './audit-event-types';
import {
  bodyTargets,
  classifyScimRequest,
  filterTargets,
  readDetails,
  ScimRequestKind,
} from './scim-request-audit';

/**
 * Exactly one audit event for every SCIM request that reaches a tenant (passed the bearer guard;
 * the guard itself records `scim.auth.failed` for a refused key that names a tenant):
 * - a successful write is recorded by its service, inside its transaction: nothing here;
 * - a successful read is recorded here, through the buffer, after the response (off the hot path);
 * - anything a handler throws is recorded here as `scim.request.failed`, before the error
 *   response is sent, with the HTTP status, scimType and the SCIM detail as the reason.
 * /Bulk records one event per operation in the services; only a /Bulk refused as a whole is
 * recorded here.
 */
@Injectable()
export class ScimAuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('ScimAuditInterceptor');

  constructor(
    private readonly buffer: AuditBuffer,
    private readonly recorder: AuditRecorder,
    private readonly dataSource: DataSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = request.scimPrincipal;
    if (!principal || !request.url.startsWith(SCIM_BASE_PATH)) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const started = Date.now();
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const classified = classifyScimRequest(request.method, request.routeOptions?.url, params);
    // The catch-all route (/scim/v2/*) names no resource: take the first segment of the path.
    const kind: ScimRequestKind =
      classified.resource === '*'
        ? {
            ...classified,
            resource: request.url
              .split('?')[0]
              .slice(SCIM_BASE_PATH.length + 1)
              .split('/')[0]
              .slice(0, 64),
          }
        : classified;

    return next.handle().pipe(
      tap(() => {
        const status = reply.statusCode;
        if (status >= 400) {
          this.recordFailureInBackground(request, principal, kind, status, undefined, 'request refused');
        } else if (kind.kind === 'read') {
          this.recordRead(request, principal, kind, status, Date.now() - started);
        }
      }),
      catchError((error: unknown) =>
        from(this.recordFailure(request, principal, kind, error)).pipe(
          switchMap(() => throwError(() => error)),
        ),
      ),
    );
  }

  private recordRead(
    request: FastifyRequest,
    principal: ScimPrincipal,
    kind: Extract<ScimRequestKind, { kind: 'read' }>,
    status: number,
    durationMs: number,
  ): void {
    const searched = request.method.toUpperCase() === 'POST';
    const details = readDetails(request.query as Record<string, unknown>, request.body, searched);
    const targets = filterTargets(details.filter);
    this.buffer
      .add({
        tenantId: principal.tenantId,
        category: 'SCIMEvent',
        type: kind.type,
        actor: auditActorOf(request, principal),
        targetId: kind.lookup?.id ?? null,
        targetLogin: targets.login ?? null,
        targetEmail: targets.email ?? null,
        targetDisplayName: targets.displayName ?? null,
        httpStatus: status,
        lookup: kind.lookup,
        details: { method: request.method, resource: kind.resource, ...details, durationMs },
      })
      .catch((error: Error) => this.logger.error(`could not audit a SCIM read: ${error.message}`));
  }

  private recordFailureInBackground(
    request: FastifyRequest,
    principal: ScimPrincipal,
    kind: ScimRequestKind,
    status: number,
    scimType: string | undefined,
    reason: string,
  ): void {
    this.buffer
      .add({
        ...this.failureEvent(request, principal, kind, status, scimType, reason),
        lookup: 'lookup' in kind ? kind.lookup : undefined,
      })
      .catch((error: Error) => this.logger.error(`could not audit a SCIM failure: ${error.message}`));
  }

  private async recordFailure(
    request: FastifyRequest,
    principal: ScimPrincipal,
    kind: ScimRequestKind,
    error: unknown,
  ): Promise<void> {
    const scim = toScimError(error);
    const status = scim?.status ?? 500;
    const reason = scim?.detail ?? 'internal error';
    try {
      const event = this.failureEvent(request, principal, kind, status, scim?.scimType, reason);
      if ('lookup' in kind && kind.lookup) {
        // A write by id that failed: name the resource as it is now (it is unchanged).
        await this.buffer.add({ ...event, lookup: kind.lookup });
        await this.buffer.flush();
      } else {
        await this.recorder.record(this.dataSource.manager, event);
      }
    } catch (failure) {
      this.logger.error(`could not audit a failed SCIM request: ${(failure as Error).message}`);
    }
  }

  private failureEvent(
    request: FastifyRequest,
    principal: ScimPrincipal,
    kind: ScimRequestKind,
    status: number,
    scimType: string | undefined,
    reason: string,
  ) {
    const method = request.method.toUpperCase();
    const isSearch = kind.kind === 'read' && method === 'POST';
    const fromBody = kind.kind === 'write' ? bodyTargets(request.body) : {};
    const details =
      kind.kind === 'read'
        ? readDetails(request.query as Record<string, unknown>, request.body, isSearch)
        : {};
    const fromFilter = filterTargets(details.filter);
    return {
      tenantId: principal.tenantId,
      category: 'SCIMEvent' as const,
      type: SCIM_REQUEST_FAILED,
      outcome: 'failure' as const,
      actor: auditActorOf(request, principal),
      targetId: ('lookup' in kind && kind.lookup?.id) || null,
      targetLogin: fromBody.login ?? fromFilter.login ?? null,
      targetEmail: fromBody.email ?? fromFilter.email ?? null,
      targetDisplayName: fromBody.displayName ?? fromFilter.displayName ?? null,
      httpStatus: status,
      scimType: scimType ?? null,
      reason,
      details: {
        method,
        resource: kind.resource,
        operation: kind.kind === 'read' ? kind.type : kind.kind,
        path: request.url.split('?')[0].slice(0, 256),
        ...details,
      },
    };
  }
}
