/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database under DATA_DIR. */
import { loadConfig } from '../config/app-config.js';
import { prepareRuntime } from '../runtime.js';
import { createDataSource } from './data-source.js';

const runtime = await prepareRuntime(loadConfig());
const ds = createDataSource(runtime.database);
try {
  await ds.initialize();
  const done = await ds.runMigrations({ transaction: 'each' });
  process.stdout.write(done.length ? `Applied ${done.map((m) => m.name).join(', ')}\n` : 'Database is up to date.\n');
} finally {
  await ds.destroy().catch(() => undefined);
  await runtime.database.embedded?.stop();
}
