import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { AuditAnchorService } from './audit-anchor.service.js';
import { AuditExportService } from './audit-export.service.js';
import { AuditTrailService } from './audit-trail.service.js';
import { AuditVerifyService } from './audit-verify.service.js';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';
import { AUDIT_SIGNER, loadSigner } from './signing-key.js';

/**
 * The tamper-evident trail of approvals: AuditTrailService.append (what the approvals engine calls
 * in its transactions), anchoring and signed checkpoints, verification, reading and exports.
 */
@Module({
  controllers: [AuditController],
  providers: [
    { provide: AUDIT_SIGNER, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadSigner(config) },
    AuditTrailService,
    AuditAnchorService,
    AuditVerifyService,
    AuditService,
    AuditExportService,
  ],
  exports: [AuditTrailService, AuditVerifyService],
})
export class AuditModule {}
