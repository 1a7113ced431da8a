import { Controller, Get, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditCheckpointView, AuditPublicKeyView, AuditTrailListItem, AuditTrailView, AuditVerifyResult, Page } from '@lianxin/shared';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal } from '../common/decorators.js';
import { IdPipe } from '../common/id.pipe.js';
import { AuditExportService } from './audit-export.service.js';
import { AuditService } from './audit.service.js';
import { CheckpointParam, CheckpointsQuery, ExportQuery, TrailsQuery, VerifyQuery } from './dto/audit.dto.js';

const attachment = (filename: string) => `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`;

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly exports: AuditExportService,
  ) {}

  @Get('trails')
  @ApiOperation({ summary: '审计范围内的审批留痕（按模板、单位含下级、发起时间、参与人、标题检索），新的在前' })
  list(@CurrentPrincipal() me: Principal, @Query() q: TrailsQuery): Promise<Page<AuditTrailListItem>> {
    const { cursor, limit, ...filters } = q;
    return this.audit.list(me, filters, cursor, limit);
  }

  @Get('trails/:instanceId')
  @ApiOperation({ summary: '一件审批的完整留痕：每个事件的操作人（当时的单位和职务）、内容、前一哈希和哈希，及校验结果' })
  trail(@CurrentPrincipal() me: Principal, @Param('instanceId', IdPipe) instanceId: string): Promise<AuditTrailView> {
    return this.audit.trail(me, instanceId);
  }

  @Get('verify')
  @ApiOperation({ summary: '校验留痕：给 instanceId 校验一件审批；不给则校验整条链和全部检查点（县级管理员、审计）。指出第一处断开的地方' })
  verify(@CurrentPrincipal() me: Principal, @Query() q: VerifyQuery): Promise<AuditVerifyResult> {
    return this.audit.verify(me, q.instanceId);
  }

  @Get('export')
  @ApiOperation({ summary: '导出留痕（xlsx 或 csv）：每个事件一行，含哈希；检索条件同列表' })
  async export(@CurrentPrincipal() me: Principal, @Query() q: ExportQuery): Promise<StreamableFile> {
    const { format, ...filters } = q;
    const file = await this.exports.export(me, filters, format ?? 'xlsx');
    return new StreamableFile(file.data, { type: file.contentType, length: file.data.length, disposition: attachment(file.filename) });
  }

  @Get('checkpoints')
  @ApiOperation({ summary: '已签名的检查点（全局链在某一位置的哈希，Ed25519 签名），新的在前' })
  checkpoints(@CurrentPrincipal() me: Principal, @Query() q: CheckpointsQuery): Promise<Page<AuditCheckpointView>> {
    return this.audit.checkpoints(me, q.cursor, q.limit);
  }

  @Post('checkpoints')
  @ApiOperation({ summary: '现在签署检查点（先锚定所有有变化的审批）；链没有变化时返回上一个（200）' })
  async checkpoint(@CurrentPrincipal() me: Principal, @Res({ passthrough: true }) res: FastifyReply): Promise<AuditCheckpointView> {
    const { view, created } = await this.audit.checkpoint(me);
    res.status(created ? 201 : 200);
    return view;
  }

  @Get('checkpoints/:id/file')
  @ApiOperation({ summary: '下载检查点文件（JSON，含签名内容、签名和公钥），可离线用公钥验证' })
  async file(@CurrentPrincipal() me: Principal, @Param() p: CheckpointParam): Promise<StreamableFile> {
    const { filename, file } = await this.audit.checkpointFile(me, p.id);
    const data = Buffer.from(JSON.stringify(file, null, 2) + '\n', 'utf8');
    return new StreamableFile(data, { type: 'application/json; charset=utf-8', length: data.length, disposition: attachment(filename) });
  }

  @Get('public-key')
  @ApiOperation({ summary: '检查点签名用的公钥（Ed25519，PEM）' })
  publicKey(): AuditPublicKeyView {
    return this.audit.publicKey();
  }
}
