import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ErrorCode } from '@lianxin/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { DomainError } from './domain-error.js';

/** The largest file any route takes as its raw body; routes may allow less. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Content types taken as a file in the raw request body: CSV (and Excel's label for it), office
 * documents, PDF, images, plain text and zip. Everything else keeps Fastify's parsers (JSON).
 */
export const FILE_CONTENT_TYPES = [
  'text/csv',
  'text/plain',
  'application/octet-stream',
  'application/vnd.ms-excel',
  'application/pdf',
  'application/msword',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/zip',
  'image/jpeg',
  'image/png',
  'image/webp',
];

/**
 * Lets routes take a file as the raw request body: a Buffer of at most MAX_FILE_BYTES, read as it
 * streams in so an oversized upload is refused at the limit (not after buffering it), with a message
 * that says what to do, whatever the app-wide JSON body limit is.
 */
export function registerFileBodyParser(fastify: FastifyInstance): void {
  for (const type of FILE_CONTENT_TYPES) {
    if (!fastify.hasContentTypeParser(type)) fastify.addContentTypeParser(type, readFileBody);
  }
}

function readFileBody(req: FastifyRequest, payload: IncomingMessage, done: (err: Error | null, body?: Buffer) => void): void {
  const tooLarge = () => new DomainError(ErrorCode.PayloadTooLarge, `文件超过 ${MAX_FILE_BYTES / 1024 / 1024} MB 上限；请压缩或拆分后再上传`);
  if (Number(req.headers['content-length']) > MAX_FILE_BYTES) return done(tooLarge());
  const chunks: Buffer[] = [];
  let size = 0;
  const detach = () => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onEnd);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_FILE_BYTES) return void chunks.push(chunk);
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

/**
 * The uploaded file's bytes (empty when nothing was sent). JSON, forms and other types are refused
 * with `hint` (what to send instead): they would mangle the bytes.
 */
export const FileBody = createParamDecorator((hint: string | undefined, ctx: ExecutionContext): Buffer => {
  const body = ctx.switchToHttp().getRequest<FastifyRequest>().body;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  throw new DomainError(ErrorCode.UnsupportedMediaType, hint ?? '请把文件本身作为请求体上传，并设置文件的 Content-Type（不要用表单或 JSON）');
});
