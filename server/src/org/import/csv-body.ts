import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ErrorCode } from '@lianxin/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { DomainError } from '../../common/domain-error.js';
import { MAX_IMPORT_BYTES } from './domain/import-file.js';

/** What a browser or curl sends a CSV file as; Windows with Excel installed labels .csv files application/vnd.ms-excel. */
export const CSV_CONTENT_TYPES = ['text/csv', 'application/octet-stream', 'application/vnd.ms-excel'];

/**
 * Lets routes take a file as the raw request body: a Buffer of at most MAX_IMPORT_BYTES, read as it
 * streams in so an oversized upload is refused at the limit (not after buffering it), with a message
 * that says what to do, whatever the app-wide JSON body limit is.
 */
export function registerFileBodyParser(fastify: FastifyInstance): void {
  for (const type of CSV_CONTENT_TYPES) {
    if (!fastify.hasContentTypeParser(type)) fastify.addContentTypeParser(type, readFileBody);
  }
}

function readFileBody(req: FastifyRequest, payload: IncomingMessage, done: (err: Error | null, body?: Buffer) => void): void {
  const tooLarge = () => new DomainError(ErrorCode.PayloadTooLarge, `文件超过 ${MAX_IMPORT_BYTES / 1024 / 1024} MB 上限；请把它拆成几个文件分别导入`);
  if (Number(req.headers['content-length']) > MAX_IMPORT_BYTES) return done(tooLarge());
  const chunks: Buffer[] = [];
  let size = 0;
  const detach = () => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onEnd);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_IMPORT_BYTES) return void chunks.push(chunk);
    detach(); // the rest of the upload drains unread; the 413 goes out now
    done(tooLarge());
  };
  const onEnd = (err?: Error) => {
    detach();
    if (err) done(err);
    else done(null, Buffer.concat(chunks, size));
  };
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onEnd);
}

/** The uploaded file's bytes (empty when nothing was sent); refuses JSON, forms and text/plain, which would mangle the encoding. */
export const FileBody = createParamDecorator((_: unknown, ctx: ExecutionContext): Buffer => {
  const body = ctx.switchToHttp().getRequest<FastifyRequest>().body;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  throw new DomainError(ErrorCode.UnsupportedMediaType, '请把 CSV 文件本身作为请求体上传，Content-Type 用 text/csv（不要用表单或 JSON）');
});
