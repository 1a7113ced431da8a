import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

export const IS_PUBLIC = 'lianxin:public';
/** Opts a route out of the global bearer-token guard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const QUERY_TOKEN = 'lianxin:query-token';
/** Lets a route take its token from `?access_token=` (EventSource cannot send headers). */
export const AllowQueryToken = () => SetMetadata(QUERY_TOKEN, true);

/** The signed-in principal, as the auth guard puts it on the request. */
export interface Principal {
  memberId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  return req.principal!;
});
