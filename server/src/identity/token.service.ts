import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ErrorCode } from '@lianxin/shared';
import { DomainError } from '../common/domain-error.js';
import type { Principal } from '../common/decorators.js';
import { RUNTIME, type Runtime } from '../runtime.js';

/** Signs and checks access tokens (HS256 JWT, `sub` = member id). */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  get ttlSeconds(): number {
    return this.runtime.config.jwtTtlSeconds;
  }

  sign(memberId: string): Promise<string> {
    return this.jwt.signAsync({ sub: memberId }, { expiresIn: this.ttlSeconds });
  }

  async verify(token: string): Promise<Principal> {
    try {
      const payload = await this.jwt.verifyAsync<{ sub?: unknown }>(token, { algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string') throw new Error('no subject');
      return { memberId: payload.sub };
    } catch {
      throw new DomainError(ErrorCode.AuthTokenInvalid, '登录已失效，请重新登录');
    }
  }
}
