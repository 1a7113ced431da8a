import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DeliveryView, DingView, EscalationStepView, MyDingView, Page } from '@lianxin/shared';
import { CurrentPrincipal, type Principal } from '../common/decorators.js';
import { IdPipe } from '../common/id.pipe.js';
import { DingService } from './ding.service.js';
import { CreateDingDto, DeliveriesQuery } from './dto/ding.dto.js';
import { EscalationService } from './escalation.service.js';

@ApiTags('ding')
@ApiBearerAuth()
@Controller()
export class DingController {
  constructor(
    private readonly dings: DingService,
    private readonly escalation: EscalationService,
  ) {}

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
