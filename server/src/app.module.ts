import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG } from './config/app-config.js';
import { DatabaseModule } from './database/database.module.js';
import { DingTalkModule } from './dingtalk/dingtalk.module.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { IdentityModule } from './identity/identity.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { OrgModule } from './org/org.module.js';
import { OrgImportModule } from './org/import/org-import.module.js';
import { DemoSeedModule } from './org/seed/demo-seed.module.js';
import { DingTalkSyncModule } from './dingtalk/sync/dingtalk-sync.module.js';
import { NoticesModule } from './notices/notices.module.js';
import { DingModule } from './ding/ding.module.js';
import { AttendanceModule } from './attendance/attendance.module.js';
import { AuditModule } from './audit/audit.module.js';
import { RUNTIME, type Runtime } from './runtime.js';
import { loggerOptions } from './common/logging.js';

@Module({})
export class AppModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ app: runtime.config })] }),
        LoggerModule.forRoot(loggerOptions(runtime.config)),
        DatabaseModule,
        JobsModule,
        EventsModule,
        DingTalkModule,
        OrgModule,
        OrgImportModule,
        DingTalkSyncModule,
        DemoSeedModule,
        NoticesModule,
        DingModule,
        AttendanceModule,
        AuditModule,
        IdentityModule,
        HealthModule,
      ],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: APP_CONFIG, useValue: runtime.config },
      ],
      exports: [RUNTIME, APP_CONFIG],
    };
  }
}
