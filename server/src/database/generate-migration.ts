/**
 * `npm run migration:generate -- <PascalName>`: applies the committed migrations to a scratch
 * database, asks TypeORM what the entities still need, and writes that as a new migration for
 * review. Needs DATABASE_URL pointing at a PostgreSQL server where it may create a database.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDataSource } from './data-source.js';

const name = process.argv[2];
const adminUrl = process.env.DATABASE_URL;
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name) || !adminUrl) {
  process.stderr.write('usage: DATABASE_URL=postgres://… npm run migration:generate -- <PascalName>\n');
  process.exit(2);
}
const scratch = `lx_migration_${Date.now()}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${scratch}`);
const url = new URL(adminUrl);
url.pathname = `/${scratch}`;
const ds = createDataSource({ url: url.toString(), poolSize: 1 });
try {
  await ds.initialize();
  await ds.runMigrations();
  const { upQueries, downQueries } = await ds.driver.createSchemaBuilder().log();
  if (upQueries.length === 0) {
    process.stdout.write('The migrations already match the entities.\n');
  } else {
    const ts = Date.now();
    const line = (q: { query: string; parameters?: unknown[] }) =>
      `    await q.query(${JSON.stringify(q.query)}${q.parameters?.length ? `, ${JSON.stringify(q.parameters)}` : ''});`;
    const src = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${ts} implements MigrationInterface {
  name = '${name}${ts}';

  async up(q: QueryRunner): Promise<void> {
${upQueries.map(line).join('\n')}
  }

  async down(q: QueryRunner): Promise<void> {
${downQueries.reverse().map(line).join('\n')}
  }
}
`;
    const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'database', 'migrations', `${ts}-${name}.ts`);
    await writeFile(file, src);
    process.stdout.write(`Wrote ${file}; add it to migrations/index.ts after review.\n`);
  }
} finally {
  await ds.destroy().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${scratch}`);
  await admin.end();
}
