/**
 * `npm run seed:demo`: builds the demo county in DATABASE_URL, or in the embedded database under
 * DATA_DIR (stop the server first: PGlite is one process). Migrates and bootstraps like a first
 * start would, then refuses, changing nothing, when the database already holds org data.
 */
import { ConfigError } from '../../config/env.js';
import { loadConfig, type AppConfig } from '../../config/app-config.js';
import { createDataSource } from '../../database/data-source.js';
import { prepareRuntime } from '../../runtime.js';
import { OrgBootstrapService } from '../org-bootstrap.service.js';
import { formatSignInTable, seedDemoCounty } from './demo-seed.js';

function readConfig(): AppConfig {
  try {
    // Seeding signs no tokens: a server database needs no JWT_SECRET for it.
    return loadConfig({ ...process.env, JWT_SECRET: process.env.JWT_SECRET || 'seed-demo-signs-no-tokens-0123456789abcdef' });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

const config = readConfig();
const runtime = await prepareRuntime(config);
const ds = createDataSource(runtime.database);
try {
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  // The root unit and the first administrator, exactly as the server's first start makes them.
  await new OrgBootstrapService(ds, runtime).onApplicationBootstrap();
  const outcome = await ds.transaction((tx) => seedDemoCounty(tx, { rootName: config.orgName }));
  if (outcome.seeded) {
    process.stdout.write(`${formatSignInTable(outcome.result)}\n`);
  } else {
    const where = runtime.database.embedded ? `内置数据库 ${config.dataDir}` : '该数据库';
    process.stderr.write(`未生成演示县：${outcome.reason}。${where}中的组织数据未作任何修改；请指向一个新数据库（DATABASE_URL）或新的 DATA_DIR 后重试。\n`);
    process.exitCode = 1;
  }
} finally {
  await ds.destroy().catch(() => undefined);
  await runtime.database.embedded?.stop();
}
