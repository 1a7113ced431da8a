import { ApiProperty } from '@nestjs/swagger';
import type { DingTalkLoginRequest, LoginRequest } from '@lianxin/shared';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

export class LoginDto implements LoginRequest {
  @ApiProperty({ example: '13800000000' })
  @IsString({ message: '手机号必须是文本' })
  @Matches(/^1\d{10}$/, { message: '手机号应为 11 位数字' })
  phone!: string;

  @ApiProperty({ example: 'lianxin2026' })
  @IsString({ message: '密码必须是文本' })
  @IsNotEmpty({ message: '请输入密码' })
  @MaxLength(128, { message: '密码不能超过 128 个字符' })
  password!: string;
}

export class DingTalkLoginDto implements DingTalkLoginRequest {
  @ApiProperty({ description: 'dd.requestAuthCode 得到的免登授权码（5 分钟内有效，只能用一次）' })
  @IsString({ message: '授权码必须是文本' })
  @IsNotEmpty({ message: '缺少授权码' })
  @MaxLength(256, { message: '授权码过长' })
  authCode!: string;
}

export class JsapiConfigQuery {
  @ApiProperty({ description: '当前页面地址（location.href，不含 # 之后的部分）' })
  @IsString({ message: 'url 必须是文本' })
  @MaxLength(2048, { message: 'url 过长' })
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'url 必须是 http(s) 地址' })
  url!: string;
}
