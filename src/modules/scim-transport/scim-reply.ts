import { FastifyReply, FastifyRequest } from 'fastify';

import { AppConfig } from '../../config/config';
import { etagFromVersion, SCIM_MEDIA_TYPE } from '../../scim';

/** Sends a SCIM body with the SCIM media type, and ETag / Location when given. */
export function sendScim(
  reply: FastifyReply,
  status: number,
  body: unknown,
  headers: { version?: number; location?: string } = {},
): FastifyReply {
  reply.status(status).header('content-type', `${SCIM_MEDIA_TYPE}; charset=utf-8`);
  if (headers.version !== undefined) reply.header('etag', etagFromVersion(headers.version));
  if (headers.location !== undefined) reply.header('location', headers.location);
  return reply.send(JSON.stringify(body));
}

export function sendNoContent(reply: FastifyReply): FastifyReply {
  return reply.status(204).send();
}

/** The SCIM base URL that resource locations are built on. */
export const scimBaseUrl = (config: AppConfig) => `${config.PUBLIC_BASE_URL}/scim/v2`;

export function preconditionHeaders(request: FastifyRequest): { ifMatch?: string; ifNoneMatch?: string } {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  return { ifMatch: header('if-match'), ifNoneMatch: header('if-none-match') };
}

export type QueryParams = Record<string, string | string[] | undefined>;
