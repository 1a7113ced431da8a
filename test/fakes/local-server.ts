import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The HTTP side every fake provider shares: listen on 127.0.0.1 on a free port, answer 500 with
 * the stack when a handler throws (so a broken fake is loud), close every connection on stop.
 */
export class LocalServer {
  private server: Server | null = null;
  private base: string | null = null;

  constructor(
    private readonly name: string,
    private readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  ) {}

  /** Listens; returns the base URL (no trailing slash). Idempotent. */
  async start(): Promise<string> {
    if (this.base) return this.base;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`${this.name} failed: ${(err as Error).stack ?? String(err)}`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.base = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** The base URL; throws before start(). */
  get url(): string {
    if (!this.base) throw new Error(`${this.name} is not started`);
    return this.base;
  }
}
