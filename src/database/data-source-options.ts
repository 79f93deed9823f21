import { DataSourceOptions } from 'typeorm';

import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * The schema is changed by migrations only; `synchronize` stays off everywhere. `poolSize` is the
 * process's DATABASE_POOL_SIZE; one-off tools keep the default.
 */
export function dataSourceOptions(
  databaseUrl: string,
  applicationName = 'roster',
  poolSize = 10,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    uuidExtension: 'pgcrypto',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    logging: false,
    applicationName,
    extra: { max: poolSize, connectionTimeoutMillis: 5_000 },
  };
}
