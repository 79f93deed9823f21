import { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';

import { AppConfig } from '../config/config';
import { constantTimeEquals, parseBearer } from '../modules/access-keys/access-key-secret';
import { AccessKeysModule } from '../modules/access-keys/access-keys.module';
import { AuditModule } from '../modules/audit/audit.module';
import { DiagnosticsModule } from '../modules/diagnostics/diagnostics.module';
import { HealthModule } from '../modules/health/health.module';
import { RoleMappingModule } from '../modules/role-mapping/role-mapping.module';
import { SessionsModule } from '../modules/sessions/sessions.module';
import { TenantsModule } from '../modules/tenants/tenants.module';

/** Only these modules' resolvers make up the admin schema. */
export const GRAPHQL_MODULES = [
  TenantsModule,
  AccessKeysModule,
  RoleMappingModule,
  SessionsModule,
  HealthModule,
  AuditModule,
  DiagnosticsModule,
];

/**
 * Every operation needs the management bearer, introspection included: the resolvers' guards
 * protect the data, this keeps the admin schema itself from unauthenticated callers.
 */
function requireManagementBearer(config: AppConfig): ApolloServerPlugin<{ req?: FastifyRequest }> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ contextValue }) {
          const bearer = parseBearer(contextValue.req?.headers.authorization);
          const valid =
            typeof bearer === 'object' &&
            constantTimeEquals(bearer.projectId, config.PROJECT_ID) &&
            constantTimeEquals(bearer.secret, config.MANAGEMENT_KEY);
          if (!valid) {
            throw new GraphQLError(
              'missing or invalid management bearer (expected Bearer <PROJECT_ID>:<MANAGEMENT_KEY>)',
              {
                extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
              },
            );
          }
          return Promise.resolve();
        },
      });
    },
  };
}

export function graphqlOptions(config: AppConfig): ApolloDriverConfig {
  return {
    plugins: [requireManagementBearer(config)],
    driver: ApolloDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    include: GRAPHQL_MODULES,
    playground: false,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // Errors were already shaped by the exception filter; this only guarantees nothing internal leaks.
    formatError: (formatted, error) => {
      const original = unwrapResolverError(error);
      const code = formatted.extensions?.code;
      if (
        code === 'INTERNAL_SERVER_ERROR' &&
        !(original instanceof Error && original.message === 'internal error')
      ) {
        return { message: 'internal error', extensions: { code }, path: formatted.path };
      }
      return {
        message: formatted.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code },
      };
    },
  };
}
