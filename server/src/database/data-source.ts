import { DataSource, type DataSourceOptions } from 'typeorm';
type PostgresConnectionOptions = Extract<DataSourceOptions, { type: 'postgres' }>;
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';
import { SnakeNamingStrategy } from './naming-strategy.js';

export interface DatabaseTarget {
  url: string;
  poolSize: number;
}

/** The one set of data source options: the app, `npm run migrate` and the tests all use it. */
export function dataSourceOptions(target: DatabaseTarget): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url: target.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    applicationName: 'lianxin',
    extra: { max: target.poolSize, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 },
  };
}

export function createDataSource(target: DatabaseTarget, extra: Partial<DataSourceOptions> = {}): DataSource {
  return new DataSource({ ...dataSourceOptions(target), ...extra } as DataSourceOptions);
}
