import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode } from '@lianxin/shared';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../common/domain-error.js';
import type { Capability } from './domain/capabilities.js';
import { ScopeService } from './scope.service.js';

const SCOPE_RULE = 'lianxin:scope-rule';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ScopeRule {
  cap: Capability;
  mode: 'read' | 'write';
  /** What the route parameter names: a unit or a member. */
  target: 'unit' | 'member';
  param: string;
}

/**
 * Declares on a route that the caller needs `cap` over the unit or member named by a route parameter:
 * `@InScope('org.read', 'read', 'unit')`. Out of scope, reads answer 404 (existence is not revealed)
 * and writes 403 — the guard asks ScopeService, the same place list queries get their SQL filter.
 */
export const InScope = (cap: Capability, mode: 'read' | 'write', target: 'unit' | 'member', param = 'id') =>
  applyDecorators(SetMetadata(SCOPE_RULE, { cap, mode, target, param } satisfies ScopeRule), UseGuards(ScopeGuard));

@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly scope: ScopeService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.get<ScopeRule | undefined>(SCOPE_RULE, ctx.getHandler());
    if (!rule) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const id = (req.params as Record<string, string | undefined>)[rule.param];
    // Guards run before pipes, so the id is checked here too: a bad one is a 400, never a database error.
    if (!id || !UUID.test(id)) throw new DomainError(ErrorCode.ValidationFailed, `${rule.param} 不是有效的 id`, [{ path: rule.param, message: '不是有效的 id' }]);
    if (rule.target === 'unit') await this.scope.assertUnit(req.principal!, rule.cap, id, rule.mode);
    else await this.scope.assertMember(req.principal!, rule.cap, id, rule.mode);
    return true;
  }
}
