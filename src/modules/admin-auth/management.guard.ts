import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';

import { APP_CONFIG, AppConfig } from '../../config/config';
import { constantTimeEquals, parseBearer } from '../access-keys/access-key-secret';

/** Admin API: `Authorization: Bearer <PROJECT_ID>:<MANAGEMENT_KEY>`, compared in constant time. */
@Injectable()
export class ManagementGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request =
      context.getType<string>() === 'graphql'
        ? GqlExecutionContext.create(context).getContext<{ req: FastifyRequest }>().req
        : context.switchToHttp().getRequest<FastifyRequest>();
    const bearer = parseBearer(request.headers.authorization);
    const valid =
      typeof bearer === 'object' &&
      constantTimeEquals(bearer.projectId, this.config.PROJECT_ID) &&
      constantTimeEquals(bearer.secret, this.config.MANAGEMENT_KEY);
    if (!valid) {
      throw new GraphQLError(
        'missing or invalid management bearer (expected Bearer <PROJECT_ID>:<MANAGEMENT_KEY>)',
        {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        },
      );
    }
    return true;
  }
}
