import pg from 'pg';

/** The PostgreSQL server the tests use, when DATABASE_URL is set; otherwise each file runs on embedded PGlite. */
export const serverUrl = () => process.env.DATABASE_URL || undefined;

/**
 * The template every test database is cloned from; global-setup migrates it once per run and names
 * it after its process, so two runs on one server (two checkouts, a watch run) never drop each other's.
 */
export const TEMPLATE_DB = process.env.LX_TEMPLATE_DB ?? `lianxin_test_template_${process.pid}`;

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
