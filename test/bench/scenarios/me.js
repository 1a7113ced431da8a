import { interleaved, load } from '../load.js';
import { startBareEndpoint } from '../bare-endpoint.js';

/** Authenticated GET /api/me (token check + member view) vs a bare endpoint running the same three queries. */
export default async function me({ app, databaseUrl, token, memberId, clients, seconds }) {
  const bare = await startBareEndpoint({
    databaseUrl,
    routes: [
      {
        url: '/me',
        handler: async (pool) => {
          const [m, u, r] = await Promise.all([
            pool.query('SELECT * FROM member WHERE id = $1', [memberId]),
            pool.query('SELECT u.id, u.name, u.kind, ms.is_head, ms.is_primary FROM membership ms JOIN unit u ON u.id = ms.unit_id WHERE ms.member_id = $1', [memberId]),
            pool.query('SELECT g.role, u.id, u.name, u.kind FROM role_grant g JOIN unit u ON u.id = g.unit_id WHERE g.member_id = $1', [memberId]),
          ]);
          return { member: m.rows[0], units: u.rows, roles: r.rows };
        },
      },
    ],
  });
  try {
    const [ours, base] = await interleaved(
      () => load({ url: `${app.url}/api/me`, headers: { authorization: `Bearer ${token}` }, clients, seconds }),
      () => load({ url: `${bare.url}/me`, clients, seconds }),
    );
    return [{ scenario: `GET /api/me, ${clients} clients`, ours, base, baseLabel: 'bare endpoint', target: 'ratio ≥ 0.7' }];
  } finally {
    await bare.stop();
  }
}
