import { DataSourceOptions } from 'typeorm';

import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** The schema is changed by migrations only; `synchronize` stays off everywhere. */
export function dataSourceOptions(databaseUrl: string, applicationName = 'roster'): DataSourceOptions {
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
    extra: { max: 20, connectionTimeoutMillis: 5_000 },
  };
}
