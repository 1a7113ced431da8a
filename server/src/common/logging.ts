import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config.js';

/** A request id: the caller's X-Request-Id when sane, else a new UUID. Echoed as `traceId`. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
  (req as IncomingMessage & { id?: string }).id = id;
  return id;
}

export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req) => (req as IncomingMessage & { id?: string }).id ?? requestId(req),
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.query.access_token', 'req.body.password', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url?.replace(/access_token=[^&]+/, 'access_token=[redacted]') }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // One line per request only at info and below: above it the per-request child logger is pure cost
      // (failures are still logged, by ProblemFilter).
      autoLogging: ['info', 'debug', 'trace'].includes(config.logLevel) ? { ignore: (req) => req.url === '/health' || req.url === '/metrics' } : false,
    },
    forRoutes: ['{*path}'],
  };
}
