import Fastify from 'fastify';
import pg from 'pg';

/**
 * The baseline every HTTP scenario is compared with: a plain Fastify + pg server, nothing in
 * between, running the given SQL per request. Returns its URL and a stop function.
 */
export async function startBareEndpoint({ databaseUrl, poolSize = 10, routes }) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  const app = Fastify({ logger: false });
  for (const r of routes) app.route({ method: r.method ?? 'GET', url: r.url, handler: (req) => r.handler(pool, req) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address();
  return { url: `http://127.0.0.1:${port}`, stop: async () => (await app.close(), await pool.end()) };
}
