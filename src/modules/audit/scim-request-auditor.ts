import { Injectable, Logger } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';

import { SCIM_BASE_PATH } from '../../http/scim-base-path';
import { ScimError } from '../../scim/errors';
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
 *   response is sent (the exception filter waits for it), with the HTTP status, scimType and the
 *   SCIM detail as the reason.
 * /Bulk records one event per operation in the services; only a /Bulk refused as a whole is
 * recorded here.
 *
 * It runs from Fastify hooks and the exception filter, not as a Nest interceptor: any global
 * interceptor puts every request through Nest's RxJS pipeline, which cost 0.13 ms of CPU per
 * request, a third of a filtered GET (bench/README.md).
 */
@Injectable()
export class ScimRequestAuditor {
  private readonly logger = new Logger('ScimRequestAuditor');
  /** Requests whose failure recordThrown already wrote. */
  private readonly recorded = new WeakSet<FastifyRequest>();

  constructor(
    private readonly buffer: AuditBuffer,
    private readonly recorder: AuditRecorder,
    private readonly dataSource: DataSource,
  ) {}

  /** From the onResponse hook of every request: reads, and failures that threw nothing. */
  afterResponse(
    request: FastifyRequest,
    route: string | undefined,
    status: number,
    durationMs: number,
  ): void {
    const principal = request.scimPrincipal;
    if (!principal || this.recorded.has(request) || !request.url.startsWith(SCIM_BASE_PATH)) return;
    const kind = scimRequestKind(request, route);
    if (status >= 400) {
      this.recordRefusal(request, principal, kind, status);
    } else if (kind.kind === 'read') {
      this.recordRead(request, principal, kind, status, Math.round(durationMs));
    }
  }

  /**
   * From the exception filter, for an error a SCIM handler threw after the guard admitted the
   * caller; the error response waits for it.
   */
  async recordThrown(request: FastifyRequest, error: ScimError): Promise<void> {
    const principal = request.scimPrincipal;
    if (!principal) return;
    this.recorded.add(request);
    await this.recordFailure(request, principal, scimRequestKind(request, request.routeOptions?.url), error);
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

  /** A failure answered without a throw (a 4xx the handler sent itself): after the response. */
  private recordRefusal(
    request: FastifyRequest,
    principal: ScimPrincipal,
    kind: ScimRequestKind,
    status: number,
  ): void {
    this.buffer
      .add({
        ...this.failureEvent(request, principal, kind, status, undefined, 'request refused'),
        lookup: 'lookup' in kind ? kind.lookup : undefined,
      })
      .catch((error: Error) => this.logger.error(`could not audit a SCIM failure: ${error.message}`));
  }

  private async recordFailure(
    request: FastifyRequest,
    principal: ScimPrincipal,
    kind: ScimRequestKind,
    error: ScimError,
  ): Promise<void> {
    try {
      const event = this.failureEvent(request, principal, kind, error.status, error.scimType, error.detail);
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

/** What the request was, from its route: the catch-all route (/scim/v2/*) names no resource. */
function scimRequestKind(request: FastifyRequest, route: string | undefined): ScimRequestKind {
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  const classified = classifyScimRequest(request.method, route, params);
  if (classified.resource !== '*') return classified;
  const resource = request.url
    .split('?')[0]
    .slice(SCIM_BASE_PATH.length + 1)
    .split('/')[0]
    .slice(0, 64);
  return { ...classified, resource };
}
