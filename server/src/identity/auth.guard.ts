import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode, MemberStatus } from '@lianxin/shared';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../common/domain-error.js';
import { IS_PUBLIC, QUERY_TOKEN } from '../common/decorators.js';
import { MembersService } from '../org/members.service.js';
import { TokenService } from './token.service.js';

const STATUS_TTL_MS = 15_000;

/**
 * The global guard: every route needs a valid bearer token unless marked @Public(). A disabled
 * member is refused within STATUS_TTL_MS of being disabled, without a query on every request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly statusCache = new Map<string, { active: boolean; until: number }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly members: MembersService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const token = bearer(req) ?? (this.reflector.getAllAndOverride<boolean>(QUERY_TOKEN, targets) ? queryToken(req) : null);
    if (!token) throw new DomainError(ErrorCode.Unauthenticated, '请先登录（缺少 Authorization: Bearer 令牌）');
    const principal = await this.tokens.verify(token);
    if (!(await this.isActive(principal.memberId))) throw new DomainError(ErrorCode.AuthTokenInvalid, '账号已停用或不存在，请重新登录');
    req.principal = principal;
    return true;
  }

  private async isActive(memberId: string): Promise<boolean> {
    const now = Date.now();
    const hit = this.statusCache.get(memberId);
    if (hit && hit.until > now) return hit.active;
    const active = (await this.members.status(memberId)) === MemberStatus.Active;
    if (this.statusCache.size > 50_000) this.statusCache.clear();
    this.statusCache.set(memberId, { active, until: now + STATUS_TTL_MS });
    return active;
  }
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1] : null;
}

function queryToken(req: FastifyRequest): string | null {
  const t = (req.query as Record<string, unknown> | undefined)?.access_token;
  return typeof t === 'string' && t.length > 0 ? t : null;
}
