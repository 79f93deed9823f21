import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';

import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyBaseLogger, FastifyRequest, LogController } from 'fastify';
import { Logger } from 'pino';

import { AppModule } from '../app.module';
import { AppConfig } from '../config/config';
import { createRootLogger, PinoNestLogger } from '../infra/logging/logger';
import { MetricsRegistry } from '../infra/metrics/metrics.registry';
import { ScimRequestAuditor } from '../modules/audit/scim-request-auditor';
import { SCIM_MEDIA_TYPE } from '../scim/constants';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface HttpAppOptions {
  runWorker: boolean;
  logger?: Logger;
}

/** Builds the API: SCIM REST, GraphQL admin, session endpoints, health and metrics, on Fastify. */
export async function createHttpApp(
  config: AppConfig,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createRootLogger(config.LOG_LEVEL);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // No child logger per request (it cost about 4 % of a filtered GET): only Fastify's rare own
    // warnings use it, and the access line below names its request id itself.
    childLoggerFactory: (root: FastifyBaseLogger) => root,
    // Fastify's own two lines per request carry the full URL, and SCIM filters put emails in it;
    // onResponse below writes one line per request with the route instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.SCIM_MAX_PAYLOAD_BYTES,
    trustProxy: true,
    // An incoming x-request-id is kept (so a load balancer's id follows the request), if sane.
    genReqId: (request: IncomingMessage) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  const fastify = adapter.getInstance();
  // IdPs send SCIM bodies as application/scim+json; Fastify only knows application/json.
  fastify.addContentTypeParser(
    SCIM_MEDIA_TYPE,
    { parseAs: 'string', bodyLimit: config.SCIM_MAX_PAYLOAD_BYTES },
    fastify.getDefaultJsonParser('error', 'error'),
  );
  // Callback-style hooks, here and below: an async hook costs a promise and a microtask turn
  // per request on the way out.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, { runWorker: options.runWorker, http: true }),
    adapter,
    { logger: new PinoNestLogger(logger), abortOnError: false },
  );
  const metrics = app.get(MetricsRegistry);
  // One audit event per SCIM request that reaches a tenant: reads and refusals here, thrown
  // errors in the exception filter, changes in the services.
  const auditor = app.get(ScimRequestAuditor);
  // The access line is built below from ids, the route pattern and numbers, never from request
  // data, so it skips redaction: @pinojs/redact 0.4 re-parses every path for every key of every
  // line (about 10 kB of garbage and 3 % of the CPU of a filtered GET).
  const accessLogger = logger.child({}, { redact: [] });
  fastify.addHook('onResponse', (request, reply, done) => {
    // routeOptions is a getter that builds and freezes an object: read it once.
    const routeUrl = request.routeOptions.url;
    auditor.afterResponse(request, routeUrl, reply.statusCode, reply.elapsedTime);
    const route = routeUrl ?? 'unmatched';
    metrics.httpRequestDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    logRequest(accessLogger, request, route, reply.statusCode, reply.elapsedTime);
    done();
  });
  app.enableShutdownHooks();
  await app.init();
  await fastify.ready();
  return app;
}

/** Probes and scrapes arrive every few seconds: logged at debug, not info. */
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The access log: one line per request, with its request id (bound by Fastify), the route
 * pattern rather than the URL (a SCIM filter carries emails), status and duration, and the
 * tenant and key of a SCIM caller.
 */
function logRequest(
  logger: Logger,
  request: FastifyRequest,
  route: string,
  status: number,
  elapsedMs: number,
): void {
  const level = status >= 500 ? 'error' : QUIET_ROUTES.has(route) ? 'debug' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const principal = request.scimPrincipal;
  const line: Record<string, unknown> = {
    reqId: request.id,
    method: request.method,
    route,
    status,
    ms: Math.round(elapsedMs * 10) / 10,
  };
  if (principal) {
    line.tenantId = principal.tenantId;
    line.keyId = principal.keyId;
  }
  logger[level](line, 'request');
}
