import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from './config/app-config.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';
import type { DatabaseTarget } from './database/data-source.js';

/** What the app needs that exists outside Nest: the database it talks to and the token secret. */
export interface Runtime {
  config: AppConfig;
  database: DatabaseTarget & { embedded: EmbeddedPostgres | null };
  jwtSecret: string;
}

export const RUNTIME = Symbol('RUNTIME');

/** Starts the embedded database when no DATABASE_URL is set, and settles the JWT secret. */
export async function prepareRuntime(config: AppConfig): Promise<Runtime> {
  if (config.databaseUrl) {
    return { config, database: { url: config.databaseUrl, poolSize: config.poolSize, embedded: null }, jwtSecret: config.jwtSecret! };
  }
  await mkdir(config.dataDir, { recursive: true });
  const embedded = await EmbeddedPostgres.start(config.dataDir);
  const jwtSecret = config.jwtSecret ?? (await embeddedSecret(config.dataDir));
  return { config, database: { url: embedded.url, poolSize: 1, embedded }, jwtSecret };
}

/** In embedded mode the secret is generated once and kept beside the data, so tokens survive restarts. */
async function embeddedSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, 'jwt-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const secret = randomBytes(48).toString('base64url');
    await writeFile(file, secret + '\n', { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    return (await readFile(file, 'utf8')).trim();
  }
}
