import { createDataSource } from '../../server/dist/database/data-source.js';
import { adminQuery, serverUrl, TEMPLATE_DB } from './admin-db.js';

/**
 * Once per run on a PostgreSQL server: a migrated template database that each test file clones.
 * Runs outside Jest's module system, so it uses the compiled server (`npm run test:e2e` builds it first).
 */
export default async function globalSetup() {
  const admin = serverUrl();
  if (!admin) return;
  process.env.LX_TEMPLATE_DB = TEMPLATE_DB; // the workers Jest starts next inherit it
  await adminQuery(admin, `DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await adminQuery(admin, `CREATE DATABASE ${TEMPLATE_DB}`);
  const url = new URL(admin);
  url.pathname = `/${TEMPLATE_DB}`;
  const ds = createDataSource({ url: url.toString(), poolSize: 1 });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}
