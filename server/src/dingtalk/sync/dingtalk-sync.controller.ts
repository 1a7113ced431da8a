import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SyncReport } from '@lianxin/shared';
import { CurrentPrincipal, Public, type Principal } from '../../common/decorators.js';
import type { CallbackResponse } from '../domain/callback-crypto.js';
import { DingTalkCallbackService } from './dingtalk-callback.service.js';
import { DingTalkSyncService } from './dingtalk-sync.service.js';

@ApiTags('dingtalk')
@Controller()
export class DingTalkSyncController {
  constructor(
    private readonly syncs: DingTalkSyncService,
    private readonly callbacks: DingTalkCallbackService,
  ) {}

  @Post('org/sync/dingtalk')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: '从钉钉同步组织架构：部门 → 单位，用户 → 成员（需根单位的管理权限）' })
  sync(@CurrentPrincipal() me: Principal): Promise<SyncReport> {
    return this.syncs.sync(me);
  }

  /** No bearer token: DingTalk authenticates by the signature, which the service checks before anything else. */
  @Public()
  @Post('dingtalk/callback')
  @HttpCode(200)
  @ApiOperation({ summary: '钉钉事件订阅（HTTP 推送）：通讯录变更回调' })
  callback(@Query() query: Record<string, unknown>, @Body() body: unknown): Promise<CallbackResponse> {
    return this.callbacks.handle(query, body);
  }
}
