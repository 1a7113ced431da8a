import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { registerFileBodyParser } from './csv-body.js';
import { OrgImportController } from './org-import.controller.js';
import { OrgImportService } from './org-import.service.js';

/** CSV import of units and members (POST /api/org/import). */
@Module({ controllers: [OrgImportController], providers: [OrgImportService] })
export class OrgImportModule implements OnModuleInit {
  constructor(private readonly http: HttpAdapterHost) {}

  /** The upload arrives as a raw text/csv body, which Fastify does not parse by itself. */
  onModuleInit(): void {
    const fastify = this.http.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify) registerFileBodyParser(fastify);
  }
}
