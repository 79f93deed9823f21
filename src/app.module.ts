import { ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';

import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { graphqlOptions } from './graphql/graphql.options';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { MetricsModule } from './infra/metrics/metrics.module';
import { QueueModule } from './infra/queue/queue.module';
import { RedisModule } from './infra/redis/redis.module';
import { AccessKeysModule } from './modules/access-keys/access-keys.module';
import { AuditModule } from './modules/audit/audit.module';
import { DiagnosticsModule } from './modules/diagnostics/diagnostics.module';
import { HealthModule } from './modules/health/health.module';
import { OutboxModule } from './modules/outbox/outbox.module';
import { RoleMappingModule } from './modules/role-mapping/role-mapping.module';
import { ScimBulkModule } from './modules/scim-bulk/scim-bulk.module';
import { ScimGroupsModule } from './modules/scim-groups/scim-groups.module';
import { ScimTransportModule } from './modules/scim-transport/scim-transport.module';
import { ScimUsersModule } from './modules/scim-users/scim-users.module';
import { SessionsModule } from './modules/sessions/sessions.module';
import { TenantsModule } from './modules/tenants/tenants.module';

export interface AppOptions {
  /** Consume jobs in this process (npm start, tests); production runs src/worker.ts instead. */
  runWorker: boolean;
  /** Serve HTTP (API). The worker process builds the same module graph without controllers' traffic. */
  http: boolean;
}

/** The domain modules; both the API and the worker entry point build on them. */
const DOMAIN_MODULES = [
  AuditModule,
  OutboxModule,
  TenantsModule,
  AccessKeysModule,
  RoleMappingModule,
  SessionsModule,
  DiagnosticsModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppOptions): DynamicModule {
    const infrastructure = [
      ConfigModule.forRoot(config),
      DatabaseModule,
      RedisModule,
      MetricsModule,
      QueueModule.forRoot(options.runWorker),
    ];
    const http = options.http
      ? [
          GraphQLModule.forRoot<ApolloDriverConfig>(graphqlOptions(config)),
          HealthModule,
          ScimUsersModule,
          ScimGroupsModule,
          ScimBulkModule,
          ScimTransportModule,
        ]
      : [];
    return {
      module: AppModule,
      imports: [...infrastructure, ...DOMAIN_MODULES, ...http],
      providers: options.http
        ? [
            { provide: APP_FILTER, useClass: AllExceptionsFilter },
            {
              provide: APP_PIPE,
              useValue: new ValidationPipe({
                transform: true,
                forbidUnknownValues: false,
                stopAtFirstError: true,
              }),
            },
          ]
        : [],
    };
  }
}
