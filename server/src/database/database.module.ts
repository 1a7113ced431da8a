import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type pg from 'pg';
import { RUNTIME, type Runtime } from '../runtime.js';
import { dataSourceOptions } from './data-source.js';

export const PG_POOL = Symbol('PG_POOL');

/** TypeORM over `pg`, migrations run at start-up; the raw pool is exported for set-based SQL and pg-boss. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [RUNTIME],
      useFactory: (runtime: Runtime) => ({
        ...dataSourceOptions(runtime.database),
        migrationsRun: true,
        retryAttempts: 2,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [
    {
      provide: PG_POOL,
      inject: [DataSource],
      useFactory: (ds: DataSource): pg.Pool => (ds.driver as unknown as { master: pg.Pool }).master,
    },
  ],
  exports: [PG_POOL],
})
export class DatabaseModule {}
