import { Module } from '@nestjs/common';
import { AttachmentsService } from './attachments.service.js';
import { NoticeAccess } from './notice-access.js';
import { NoticeTrackingService } from './notice-tracking.service.js';
import { NoticesController } from './notices.controller.js';
import { NoticesService } from './notices.service.js';

@Module({
  controllers: [NoticesController],
  providers: [NoticeAccess, NoticesService, NoticeTrackingService, AttachmentsService],
  exports: [NoticesService, NoticeAccess, NoticeTrackingService],
})
export class NoticesModule {}
