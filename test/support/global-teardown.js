import { adminQuery, serverUrl, TEMPLATE_DB } from './admin-db.js';

/** Drops this run's template database. */
export default async function globalTeardown() {
  const admin = serverUrl();
  if (admin) await adminQuery(admin, `DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
}
