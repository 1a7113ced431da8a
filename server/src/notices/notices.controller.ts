import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { MyReceipt, NoticeListItem, NoticeStatsView, NoticeView, Page, ReceiptView } from '@lianxin/shared';
import { CurrentPrincipal, type Principal } from '../common/decorators.js';
import { IdPipe } from '../common/id.pipe.js';
import { ConfirmNoticeDto, CreateNoticeDto, NoticeListQuery, ReceiptsQuery, StatsQuery } from './dto/notice.dto.js';
import { NoticeTrackingService } from './notice-tracking.service.js';
import { NoticesService } from './notices.service.js';

@ApiTags('notices')
@ApiBearerAuth()
@Controller('notices')
export class NoticesController {
  constructor(
    private readonly notices: NoticesService,
    private readonly tracking: NoticeTrackingService,
  ) {}

  @Post()
  @ApiOperation({ summary: '发送通知（单位、人员、角色任意组合；一次写入全部回执）' })
  send(@CurrentPrincipal() me: Principal, @Body() body: CreateNoticeDto): Promise<NoticeView> {
    return this.notices.send(me, body);
  }

  @Get()
  @ApiOperation({ summary: '收件箱（box=inbox，unread=true 只看未读）或已发送（box=sent）' })
  list(@CurrentPrincipal() me: Principal, @Query() q: NoticeListQuery): Promise<Page<NoticeListItem>> {
    return this.notices.list(me, q.box ?? 'inbox', q.unread === 'true', q.cursor, q.limit);
  }

  @Get(':id')
  @ApiOperation({ summary: '通知详情（接收人、发送人或有查看范围的人）' })
  get(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string): Promise<NoticeView> {
    return this.notices.get(me, id);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: '标记已读（重复调用不变，记录第一次）' })
  read(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string): Promise<MyReceipt> {
    return this.notices.read(me, id);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: '回执：参加，或请假并说明原因' })
  confirm(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string, @Body() body: ConfirmNoticeDto): Promise<MyReceipt> {
    return this.notices.confirm(me, id, body);
  }

  @Get(':id/stats')
  @ApiOperation({ summary: '阅读与回执统计，及下一级各单位的情况' })
  stats(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string, @Query() q: StatsQuery): Promise<NoticeStatsView> {
    return this.tracking.stats(me, id, q.unitId);
  }

  @Get(':id/receipts')
  @ApiOperation({ summary: '回执名单：未读、已读、未回执、参加、请假' })
  receipts(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string, @Query() q: ReceiptsQuery): Promise<Page<ReceiptView>> {
    return this.tracking.receipts(me, id, q);
  }
}
