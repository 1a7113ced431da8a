import { Module } from '@nestjs/common';
import { DingModule } from '../ding/ding.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { AttendanceController, MeetingSignInController, SpotChecksController } from './attendance.controller.js';
import { CheckInsService } from './check-ins.service.js';
import { DailyService } from './daily.service.js';
import { MeetingSignInService } from './meeting-sign-in.service.js';
import { PhotosService } from './photos.service.js';
import { AttendanceReportsService } from './reports.service.js';
import { AttendanceRequestsService } from './requests.service.js';
import { AttendanceRulesService } from './rules.service.js';
import { SpotChecksService } from './spot-checks.service.js';

/** Attendance: places and shifts, check-ins with verdicts, daily status and reports, 补卡 and leave, spot checks, meeting sign-in. */
@Module({
  imports: [NoticesModule, DingModule],
  controllers: [AttendanceController, SpotChecksController, MeetingSignInController],
  providers: [
    AttendanceRulesService,
    PhotosService,
    CheckInsService,
    DailyService,
    AttendanceRequestsService,
    AttendanceReportsService,
    SpotChecksService,
    MeetingSignInService,
  ],
  exports: [DailyService, AttendanceRequestsService, AttendanceRulesService],
})
export class AttendanceModule {}
