import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminQuery, serverUrl, TEMPLATE_DB } from './admin-db.js';

/** Where a test file's app keeps its data: a fresh PostgreSQL database, or a fresh embedded data dir. */
export interface TestDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

export { serverUrl };

/** A fresh database for one test file: cloned from the migrated template on a server, or a new PGlite data dir. */
export async function freshDatabase(label: string, opts: { template?: boolean; embedded?: boolean } = {}): Promise<TestDatabase> {
  const admin = serverUrl();
  if (!admin || opts.embedded) {
    const dir = await mkdtemp(join(tmpdir(), `lx-${label}-`));
    return { env: { DATA_DIR: dir, DATABASE_URL: '' }, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const name = `lx_t_${label.replace(/\W/g, '_').slice(0, 30)}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  await adminQuery(admin, `CREATE DATABASE ${name}${opts.template === false ? '' : ` TEMPLATE ${TEMPLATE_DB}`}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    drop: () => adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

