import net from 'node:net';
import { freshDatabase, type TestDatabase } from '../support/database';
import { startServer, type ServerProcess } from '../support/server-process';
import { ADMIN, TEST_JWT_SECRET } from '../support/test-app';

/** Sends a raw HTTP request whose body arrives in two halves, so it is in flight for as long as we like. */
function slowLogin(port: number) {
  const body = JSON.stringify(ADMIN);
  const socket = net.connect(port, '127.0.0.1');
  let response = '';
  socket.setEncoding('utf8');
  socket.on('data', (d) => (response += d));
  const done = new Promise<string>((resolve, reject) => {
    socket.on('end', () => resolve(response));
    socket.on('close', () => resolve(response));
    socket.on('error', reject);
  });
  const connected = new Promise<void>((r) => socket.on('connect', () => r()));
  return {
    async sendFirstHalf() {
      await connected;
      socket.write(
        `POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n` +
          body.slice(0, 10),
      );
    },
    sendRest() {
      socket.write(body.slice(10));
    },
    done,
  };
}

describe('graceful shutdown of the server process', () => {
  let db: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    db = await freshDatabase('shutdown');
    server = await startServer({ ...db.env, JWT_SECRET: TEST_JWT_SECRET, ADMIN_PHONE: ADMIN.phone, ADMIN_PASSWORD: ADMIN.password, SHUTDOWN_TIMEOUT_MS: '20000' });
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await db?.drop();
  });

  it('on SIGTERM under load finishes in-flight requests, refuses new ones and exits 0', async () => {
    const load = Array.from({ length: 40 }, () => fetch(`${server.baseUrl}/health`).then((r) => r.status, () => 'refused' as const));
    const slow = slowLogin(server.port);
    await slow.sendFirstHalf();
    // A full round trip on another connection: by its answer the server has read the first half.
    expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);

    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    slow.sendRest();

    const response = await slow.done.catch((err: Error) => `${err.message}\n--- server output ---\n${server.output()}`);
    expect(response).toMatch(/^HTTP\/1\.1 200/);
    expect(response).toContain('"accessToken"');
    // Requests already under way complete; none is cut off half-way. /health answers 503 once
    // shutdown has begun, so a load balancer stops sending traffic here.
    const statuses = await Promise.all(load);
    for (const s of statuses) expect([200, 503, 'refused']).toContain(s);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);

    const code = await server.exited;
    // On failure, show why the process exited as it did.
    expect(code === 0 ? 0 : `exit ${code}\n${server.output().slice(-3000)}`).toBe(0);
    await expect(fetch(`${server.baseUrl}/health`)).rejects.toThrow();
    expect(server.output()).toMatch(/SIGTERM received[\s\S]*已停止/);
  });
});
