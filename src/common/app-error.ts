/**
 * Errors the admin API shows its callers. Each code maps to one GraphQL `extensions.code`
 * (see graphql-error.filter.ts); the switch there is exhaustive, so a new code must be mapped.
 */
export type AppErrorCode =
  'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'FAILED_PRECONDITION';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static notFound(what: string, id: string): AppError {
    return new AppError('NOT_FOUND', `${what} ${id} not found`);
  }

  static badInput(message: string): AppError {
    return new AppError('BAD_USER_INPUT', message);
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}
