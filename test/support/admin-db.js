import pg from 'pg';

/** The PostgreSQL server the tests use, when DATABASE_URL is set; otherwise each file runs on embedded PGlite. */
export const serverUrl = () => process.env.DATABASE_URL || undefined;

/** The template every test database is cloned from; global-setup migrates it once per run. */
export const TEMPLATE_DB = 'lianxin_test_template';

/** Runs one statement on its own connection (CREATE/DROP DATABASE cannot run in a transaction). */
export async function adminQuery(url, sql) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
