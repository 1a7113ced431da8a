import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AttachmentView, MyReceipt, UnreadCountView, NoticeListItem, NoticeStatsView, NoticeView, Page, ReceiptView } from '@lianxin/shared';
import { CurrentPrincipal, type Principal } from '../common/decorators.js';
import { FileBody } from '../common/file-body.js';
import { IdPipe } from '../common/id.pipe.js';
import { ATTACHMENT_TYPES, AttachmentsService } from './attachments.service.js';
import { ConfirmNoticeDto, CreateNoticeDto, NoticeListQuery, ReceiptsQuery, StatsQuery, UploadQuery } from './dto/notice.dto.js';
import { NoticeTrackingService } from './notice-tracking.service.js';
import { NoticesService } from './notices.service.js';

@ApiTags('notices')
@ApiBearerAuth()
@Controller('notices')
export class NoticesController {
  constructor(
    private readonly notices: NoticesService,
    private readonly tracking: NoticeTrackingService,
    private readonly attachments: AttachmentsService,
  ) {}

  @Post('attachments')
  @ApiOperation({ summary: '上传通知附件（请求体是文件本身，最大 10 MB；发送通知时用 attachmentIds 引用）' })
  @ApiConsumes(...ATTACHMENT_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  upload(
    @CurrentPrincipal() me: Principal,
    @Query() q: UploadQuery,
    @Headers('content-type') type: string | undefined,
    @FileBody('请把文件本身作为请求体上传，Content-Type 用文件的类型（如 application/pdf），文件名放在 ?filename=') data: Buffer,
  ): Promise<AttachmentView> {
    return this.attachments.upload(me, q.filename, type, data);
  }

  @Get(':id/attachments/:attachmentId')
  @ApiOperation({ summary: '下载通知附件' })
  async download(
    @CurrentPrincipal() me: Principal,
    @Param('id', IdPipe) id: string,
    @Param('attachmentId', IdPipe) attachmentId: string,
  ): Promise<StreamableFile> {
    const file = await this.attachments.download(me, id, attachmentId);
    return new StreamableFile(file.data, {
      type: file.contentType,
      length: file.data.length,
      disposition: `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    });
  }

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

  @Get('unread-count')
  @ApiOperation({ summary: '我的未读通知数（角标）' })
  unreadCount(@CurrentPrincipal() me: Principal): Promise<UnreadCountView> {
    return this.notices.unreadCount(me);
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
