import { Module } from '@nestjs/common';
import { OrgImportController } from './org-import.controller.js';
import { OrgImportService } from './org-import.service.js';

/** CSV import of units and members (POST /api/org/import). */
@Module({ controllers: [OrgImportController], providers: [OrgImportService] })
export class OrgImportModule {}
