import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { ClientConfigView, JsapiConfigView, MemberView, SessionView } from '@lianxin/shared';
import { ApiBearerAuth } from '@nestjs/swagger';
import { CurrentPrincipal, Public, type Principal } from '../common/decorators.js';
import { MembersService } from '../org/members.service.js';
import { AuthService } from './auth.service.js';
import { DingTalkLoginDto, JsapiConfigQuery, LoginDto } from './dto/login.dto.js';

@ApiTags('identity')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly members: MembersService,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  @ApiOperation({ summary: '手机号 + 密码登录' })
  login(@Body() body: LoginDto): Promise<SessionView> {
    return this.auth.login(body.phone, body.password);
  }

  @Public()
  @Post('auth/dingtalk')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  @ApiOperation({ summary: '钉钉免登：用 dd.requestAuthCode 的授权码登录' })
  loginWithDingTalk(@Body() body: DingTalkLoginDto): Promise<SessionView> {
    return this.auth.loginWithDingTalk(body.authCode);
  }

  @Public()
  @Get('auth/dingtalk/jsapi-config')
  @ApiOperation({ summary: 'dd.config 所需的签名参数' })
  jsapiConfig(@Query() query: JsapiConfigQuery): Promise<JsapiConfigView> {
    return this.auth.jsapiConfig(query.url);
  }

  @Public()
  @Get('client-config')
  @ApiOperation({ summary: '登录前客户端需要的配置' })
  clientConfig(): ClientConfigView {
    return this.auth.clientConfig();
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: '当前登录成员' })
  me(@CurrentPrincipal() me: Principal): Promise<MemberView> {
    return this.members.view(me.memberId);
  }
}
