import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DingChannelLabel, type DeliveryView, type DingChannel, type DingChannelView, type DingView, type EscalationStepView, type MyDingView, type Page } from '@lianxin/shared';
import { CurrentPrincipal, type Principal } from '../common/decorators.js';
import { IdPipe } from '../common/id.pipe.js';
import { DingService } from './ding.service.js';
import { ChannelRegistry } from './channels/channel-registry.js';
import { CreateDingDto, DeliveriesQuery } from './dto/ding.dto.js';
import { EscalationService } from './escalation.service.js';

@ApiTags('ding')
@ApiBearerAuth()
@Controller()
export class DingController {
  constructor(
    private readonly dings: DingService,
    private readonly escalation: EscalationService,
    private readonly channels: ChannelRegistry,
  ) {}

  @Get('dings/channels')
  @ApiOperation({ summary: '可用的 DING 通道（未配置的说明需要设置什么）' })
  channelList(): DingChannelView[] {
    return this.channels.all().map((c) => ({
      channel: c.name as DingChannel,
      label: DingChannelLabel[c.name as DingChannel],
      configured: c.configured(),
      reason: c.configured() ? null : c.unconfiguredReason,
    }));
  }

  @Post('notices/:id/ding')
  @ApiOperation({ summary: 'DING 未读、未回执或指定的人（应用内、钉钉、短信、电话、推送接口）' })
  ding(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string, @Body() body: CreateDingDto): Promise<DingView> {
    return this.dings.dingNotice(me, id, body);
  }

  @Get('notices/:id/dings')
  @ApiOperation({ summary: '该通知的 DING 记录（含自动提醒）' })
  list(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string): Promise<DingView[]> {
    return this.dings.forNotice(me, id);
  }

  @Post('notices/:id/escalation/stop')
  @HttpCode(200)
  @ApiOperation({ summary: '停止尚未触发的自动提醒（发送人）' })
  stop(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string): Promise<EscalationStepView[]> {
    return this.escalation.stop(me, id);
  }

  @Get('dings/mine')
  @ApiOperation({ summary: '我收到且尚未确认的应用内 DING（横幅）' })
  mine(@CurrentPrincipal() me: Principal): Promise<MyDingView[]> {
    return this.dings.mine(me);
  }

  @Post('dings/:id/ack')
  @HttpCode(200)
  @ApiOperation({ summary: '确认收到应用内 DING（重复调用不变）' })
  ack(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string): Promise<{ acknowledgedAt: string }> {
    return this.dings.acknowledge(me, id);
  }

  @Get('dings/:id')
  @ApiOperation({ summary: 'DING 的送达情况（按状态统计，及其后已读人数）' })
  view(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string): Promise<DingView> {
    return this.dings.view(me, id);
  }

  @Get('dings/:id/deliveries')
  @ApiOperation({ summary: 'DING 的逐人送达记录' })
  deliveries(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string, @Query() q: DeliveriesQuery): Promise<Page<DeliveryView>> {
    return this.dings.deliveries(me, id, q);
  }
}
