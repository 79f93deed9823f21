import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';

import { GRAPHQL_MODULES } from './graphql.options';

/** Set by @Resolver() on the class (@nestjs/graphql does not export the constant). */
const RESOLVER_TYPE_METADATA = 'graphql:resolver_type';

/** Every resolver class provided by the admin GraphQL modules. */
function resolverClasses(): Array<new (...args: never[]) => unknown> {
  return GRAPHQL_MODULES.flatMap(
    (module) => (Reflect.getMetadata('providers', module) ?? []) as unknown[],
  ).filter(
    (provider): provider is new (...args: never[]) => unknown =>
      typeof provider === 'function' && Reflect.getMetadata(RESOLVER_TYPE_METADATA, provider) !== undefined,
  );
}

/** The admin API schema in SDL, built from the code without a database: what schema.gql holds. */
export async function printAdminSchema(): Promise<string> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  await app.init();
  try {
    const schema = await app.get(GraphQLSchemaFactory).create(resolverClasses());
    return `${printSchema(lexicographicSortSchema(schema))}\n`;
  } finally {
    await app.close();
  }
}
