import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { ErrorCode, problemType, type FieldError, type Problem } from '@lianxin/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './domain-error.js';
import { statusOf, titleOf } from './error-status.js';
import type { SpaFallback } from './static-site.js';

const HTTP_STATUS_CODE: Record<number, ErrorCode> = {
  400: ErrorCode.BadRequestBody,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  405: ErrorCode.MethodNotAllowed,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.TooManyRequests,
  503: ErrorCode.ServiceUnavailable,
};

const FASTIFY_DETAIL: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: '请求体不是合法的 JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: '请求体为空，但声明为 JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: '请求体超过大小上限',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: '不支持该 Content-Type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length 与请求体不符',
};

/** Builds the problem+json body for any thrown value. Unknown errors become a generic 500. */
export function toProblem(err: unknown, traceId: string | undefined): { problem: Problem; cause?: unknown } {
  if (err instanceof DomainError) {
    return {
      problem: {
        type: problemType(err.code),
        title: titleOf(err.code),
        status: statusOf(err.code),
        detail: err.detail,
        code: err.code,
        traceId,
        ...(err.errors ? { errors: err.errors } : {}),
        ...(err.extra ?? {}),
      },
    };
  }
  if (err instanceof ThrottlerException) {
    return { problem: build(ErrorCode.TooManyRequests, '尝试次数过多，请稍后再试', traceId) };
  }
  if (err instanceof HttpException && isFastifyError(err.cause)) err = err.cause;
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code = HTTP_STATUS_CODE[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequestBody);
    const detail =
      status === 404 ? '请求的地址不存在' : status === 503 ? '服务暂不可用（正在停止或数据库不可达），请稍后重试' : status >= 500 ? '服务器开小差了，请稍后重试' : messageOf(err);
    // A 503 is an expected state (shutting down, database unreachable), not a fault to log with a stack.
    return { problem: { ...build(code, detail, traceId), status }, cause: status >= 500 && status !== 503 ? err : undefined };
  }
  if (isFastifyError(err)) {
    const fastify = err;
    const code = HTTP_STATUS_CODE[fastify.statusCode] ?? ErrorCode.BadRequestBody;
    const problem = build(code, FASTIFY_DETAIL[fastify.code] ?? '请求格式不正确', traceId);
    return { problem: { ...problem, status: fastify.statusCode } };
  }
  return { problem: build(ErrorCode.Internal, '服务器开小差了，请稍后重试', traceId), cause: err };
}

function isFastifyError(e: unknown): e is { code: string; statusCode: number } {
  const f = e as { code?: unknown; statusCode?: unknown } | null;
  return typeof f?.code === 'string' && f.code.startsWith('FST_') && typeof f.statusCode === 'number' && f.statusCode < 500;
}

function build(code: ErrorCode, detail: string, traceId: string | undefined): Problem {
  return { type: problemType(code), title: titleOf(code), status: statusOf(code), detail, code, traceId };
}

function messageOf(err: HttpException): string {
  const res = err.getResponse();
  if (typeof res === 'string') return res;
  const message = (res as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : err.message;
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  constructor(private readonly spa: SpaFallback | null = null) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    if (this.spa && err instanceof HttpException && err.getStatus() === 404 && this.spa.tryServe(req, reply)) return;
    const { problem, cause } = toProblem(err, req?.id);
    if (cause) this.logger.error({ err: cause, traceId: req?.id, url: req?.url }, 'request failed');
    if (reply.sent) return;
    reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send(problem);
  }
}

/** Flattens class-validator errors into dotted paths with readable messages. */
export function fieldErrors(errors: ReadonlyArray<{ property: string; constraints?: Record<string, string>; children?: unknown[] }>, prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    // forbidNonWhitelisted's own sentence is English; say it in the language of every other refusal.
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({ path, message: rule === 'whitelistValidation' ? `不支持的字段 ${path}` : message }));
    const kids = fieldErrors((e.children ?? []) as Parameters<typeof fieldErrors>[0], path);
    return [...own, ...kids];
  });
}
