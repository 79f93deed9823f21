import { ArgumentsHost, BadRequestException, Catch, HttpException, Logger } from '@nestjs/common';
import { GqlArgumentsHost, GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';

import { AppError, AppErrorCode, assertUnreachable } from '../common/app-error';

function extensionCode(code: AppErrorCode): string {
  switch (code) {
    case 'NOT_FOUND':
      return 'NOT_FOUND';
    case 'BAD_USER_INPUT':
      return 'BAD_USER_INPUT';
    case 'CONFLICT':
      return 'CONFLICT';
    case 'FORBIDDEN':
      return 'FORBIDDEN';
    case 'UNAUTHENTICATED':
      return 'UNAUTHENTICATED';
    case 'FAILED_PRECONDITION':
      return 'FAILED_PRECONDITION';
    default:
      return assertUnreachable(code);
  }
}

/** Turns every error a resolver throws into a GraphQL error with a code and no stack trace. */
@Catch()
export class GraphqlErrorFilter implements GqlExceptionFilter {
  private readonly logger = new Logger('GraphQL');

  catch(exception: unknown, host: ArgumentsHost): GraphQLError {
    if (exception instanceof GraphQLError) return exception;
    if (exception instanceof AppError) {
      return new GraphQLError(exception.message, { extensions: { code: extensionCode(exception.code) } });
    }
    if (exception instanceof BadRequestException) {
      const response = exception.getResponse() as { message?: string | string[] };
      const message = Array.isArray(response.message) ? response.message.join('; ') : response.message;
      return new GraphQLError(message ?? exception.message, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    if (exception instanceof HttpException) {
      return new GraphQLError(exception.message, { extensions: { code: 'BAD_REQUEST' } });
    }
    const info = GqlArgumentsHost.create(host).getInfo<{ fieldName?: string } | undefined>();
    this.logger.error(
      `resolver ${info?.fieldName ?? '?'} failed: ${(exception as Error)?.stack ?? String(exception)}`,
    );
    return new GraphQLError('internal error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  }
}
