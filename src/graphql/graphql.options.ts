import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';

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

export function graphqlOptions(): ApolloDriverConfig {
  return {
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
