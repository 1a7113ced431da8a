import { Module } from '@nestjs/common';
import { DingTalkCallbackService } from './dingtalk-callback.service.js';
import { DingTalkDirectory } from './dingtalk-directory.js';
import { DingTalkSyncController } from './dingtalk-sync.controller.js';
import { DingTalkSyncService } from './dingtalk-sync.service.js';
import { OrgReconciler } from './org-reconciler.js';

/** DingTalk org sync (POST /api/org/sync/dingtalk) and org-change callbacks (POST /api/dingtalk/callback). */
@Module({
  controllers: [DingTalkSyncController],
  providers: [DingTalkDirectory, OrgReconciler, DingTalkSyncService, DingTalkCallbackService],
})
export class DingTalkSyncModule {}
