import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Injectable,
  Logger,
  Optional,
} from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';

import { GraphqlErrorFilter } from '../graphql/graphql-error.filter';
import { ScimBearerGuard } from '../modules/access-keys/scim-bearer.guard';
import { auditActorOf } from '../modules/access-keys/scim-principal';
import { AuditRecorder } from '../modules/audit/audit.recorder';
import { ScimRequestAuditor } from '../modules/audit/scim-request-auditor';
import { SCIM_MEDIA_TYPE } from '../scim/constants';
import { ScimError, toScimErrorBody } from '../scim/errors';
import { SCIM_BASE_PATH } from './scim-base-path';

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
}

/** Errors Fastify raises while reading the body, before any controller runs. */
function fromFastifyError(error: FastifyLikeError): ScimError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ScimError.invalidSyntax(`the request body is not valid JSON: ${error.message}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return ScimError.payloadTooLarge('the request body is larger than maxPayloadSize');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ScimError(415, 'send application/scim+json or application/json');
    default:
      return undefined;
  }
}

/** Turns anything thrown into a SCIM error body under /scim/v2 and a plain JSON error elsewhere. */
export function toScimError(exception: unknown): ScimError | undefined {
  if (exception instanceof ScimError) return exception;
  const fastify =
    exception && typeof exception === 'object' ? fromFastifyError(exception as FastifyLikeError) : undefined;
  if (fastify) return fastify;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404) return ScimError.notFound('no such SCIM endpoint');
    if (status === 413) return ScimError.payloadTooLarge('the request body is larger than maxPayloadSize');
    if (status === 400) return ScimError.invalidSyntax(exception.message);
    return new ScimError(status, exception.message);
  }
  return undefined;
}

/** The one exception filter: no stack trace or internal message ever reaches a caller. */
@Catch()
@Injectable()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');
  private readonly graphql = new GraphqlErrorFilter();

  constructor(
    @Optional() private readonly bearer?: ScimBearerGuard,
    @Optional() private readonly audit?: AuditRecorder,
    @Optional() private readonly dataSource?: DataSource,
    @Optional() private readonly auditor?: ScimRequestAuditor,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return this.graphql.catch(exception, host);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();

    if (request.url.startsWith(SCIM_BASE_PATH)) {
      const error = toScimError(exception) ?? this.internalError(request, exception);
      const send = () =>
        reply.status(error.status).header('content-type', SCIM_MEDIA_TYPE).send(toScimErrorBody(error));
      if (!request.scimPrincipal) {
        this.auditRefusedBeforeGuard(request, error);
        return send();
      }
      // The failure is in the audit log before its answer leaves (the auditor never rejects).
      return this.auditor ? this.auditor.recordThrown(request, error).then(send) : send();
    }

    if (exception instanceof HttpException) {
      return reply
        .status(exception.getStatus())
        .send({ statusCode: exception.getStatus(), message: exception.message });
    }
    const fastify = exception as FastifyLikeError;
    if (typeof fastify?.statusCode === 'number' && fastify.statusCode < 500) {
      return reply
        .status(fastify.statusCode)
        .send({ statusCode: fastify.statusCode, message: fastify.message });
    }
    this.logger.error(
      `${request.method} ${request.url} failed: ${(exception as Error)?.stack ?? String(exception)}`,
    );
    return reply.status(500).send({ statusCode: 500, message: 'internal error' });
  }

  /** Logged with its stack; the caller only learns that the request id finds it in the logs. */
  private internalError(request: FastifyRequest, exception: unknown): ScimError {
    this.logger.error(
      `${request.method} ${request.url} failed: ${(exception as Error)?.stack ?? String(exception)}`,
    );
    return new ScimError(
      500,
      'internal error; the request id in the x-request-id header identifies it in the logs',
    );
  }

  /**
   * Fastify refuses a malformed, oversized or wrongly typed body before any guard runs. When the
   * bearer is a live key, that request still reached its tenant: audit it like any failure.
   */
  private auditRefusedBeforeGuard(request: FastifyRequest, error: ScimError): void {
    if (!this.bearer || !this.audit || !this.dataSource || error.status === 401 || error.status === 403)
      return;
    const { bearer, audit, dataSource } = this;
    void (async () => {
      const key = await bearer.liveKey(request.headers.authorization);
      if (!key) return;
      await audit.record(dataSource.manager, {
        tenantId: key.tenantId,
        category: 'SCIMEvent',
        type: 'scim.request.failed',
        outcome: 'failure',
        actor: auditActorOf(request, { keyId: key.id, keyName: key.name }),
        httpStatus: error.status,
        scimType: error.scimType ?? null,
        reason: error.detail,
        details: {
          method: request.method,
          path: request.url.split('?')[0].slice(0, 256),
          refusedBy: 'body parser',
        },
      });
    })().catch((failure: Error) =>
      this.logger.error(`could not audit a refused SCIM request: ${failure.message}`),
    );
  }
}
