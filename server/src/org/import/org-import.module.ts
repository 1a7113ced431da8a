import { Module } from '@nestjs/common';

/** CSV import of units and members (POST /api/org/import). */
@Module({})
export class OrgImportModule {}
