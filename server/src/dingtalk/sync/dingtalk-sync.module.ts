import { Module } from '@nestjs/common';

/** DingTalk org sync (POST /api/org/sync/dingtalk) and org-change callbacks (POST /api/dingtalk/callback). */
@Module({})
export class DingTalkSyncModule {}
