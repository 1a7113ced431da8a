import { Module } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { RUNTIME, type Runtime } from '../runtime.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [RUNTIME],
      // A prepared key object: given a string, jsonwebtoken first tries it as a public key and fails on every request.
      useFactory: (runtime: Runtime) => ({ secret: createSecretKey(Buffer.from(runtime.jwtSecret)) as unknown as string, signOptions: { algorithm: 'HS256' } }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [RUNTIME],
      useFactory: (runtime: Runtime) => ({
        throttlers: [{ name: 'login', limit: runtime.config.loginThrottle.limit, ttl: runtime.config.loginThrottle.ttlSeconds * 1000 }],
        // Per address and phone, so one office behind a NAT does not lock out its colleagues.
        getTracker: (req: Record<string, unknown>) => {
          const r = req as unknown as FastifyRequest;
          const phone = (r.body as { phone?: unknown } | undefined)?.phone;
          return `${r.ip}|${typeof phone === 'string' ? phone : ''}`;
        },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [TokenService, AuthService, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class IdentityModule {}
