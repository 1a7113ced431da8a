import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { microappBuilt, type AppConfig } from '../config/app-config.js';

const API_PATHS = /^\/(api|health|metrics)(\/|$|\?)/;

/**
 * Serves the built micro-app at `/`: hashed assets cached for a year, precompressed (.br/.gz)
 * copies preferred, and index.html (never cached) for any other GET that wants HTML.
 */
export async function serveMicroapp(app: NestFastifyApplication, config: AppConfig): Promise<SpaFallback | null> {
  if (!microappBuilt(config)) return null;
  await app.register(fastifyStatic, {
    root: config.microappDir,
    prefix: '/',
    wildcard: false,
    preCompressed: true,
    index: ['index.html'],
    setHeaders: (res, path) => {
      res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return new SpaFallback(readFileSync(resolve(config.microappDir, 'index.html')));
}

/** Answers a GET for an unknown client-side route with the app shell. */
export class SpaFallback {
  constructor(private readonly indexHtml: Buffer) {}

  tryServe(req: FastifyRequest, reply: FastifyReply): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (API_PATHS.test(req.url) || /\.[a-z0-9]{2,5}(\?|$)/i.test(req.url)) return false;
    if (!(req.headers.accept ?? '').includes('text/html')) return false;
    reply.status(200).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(this.indexHtml);
    return true;
  }
}
