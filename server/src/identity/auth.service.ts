import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, MemberStatus, type ClientConfigView, type JsapiConfigView, type SessionView } from '@lianxin/shared';
import argon2 from 'argon2';
import { DomainError } from '../common/domain-error.js';
import { DingTalkClient } from '../dingtalk/dingtalk.client.js';
import { DingTalkApiError, ERRCODE_AUTH_CODE_INVALID, ERRCODE_USER_NOT_FOUND } from '../dingtalk/dingtalk.errors.js';
import { MembersService } from '../org/members.service.js';
import { RUNTIME, type Runtime } from '../runtime.js';
import { TokenService } from './token.service.js';

/** What an administrator should do about the DingTalk errors a misconfigured app produces. */
const UPSTREAM_HINTS: Record<number, string> = {
  60020: '服务器出口 IP 不在钉钉应用的白名单中，请管理员在钉钉开发者后台添加',
  60011: '钉钉应用缺少该接口权限，请管理员在开发者后台开通通讯录读权限',
  40096: '钉钉应用的 AppKey 或 AppSecret 配置错误，请管理员检查 DINGTALK_APP_KEY / DINGTALK_APP_SECRET',
  40089: '钉钉应用的 CorpId 或密钥配置错误，请管理员检查配置',
  90002: '钉钉接口调用过于频繁，请稍后重试',
  90018: '钉钉接口调用过于频繁，请稍后重试',
  45009: '钉钉接口调用次数超过限制，请稍后重试',
};

/** Sign-in by password or DingTalk 免登, and what the client needs before it. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  /** Verified against when the phone is unknown, so both answers take as long. */
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly members: MembersService,
    private readonly tokens: TokenService,
    private readonly dingtalk: DingTalkClient,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {
    this.dummyHash = argon2.hash('lianxin-no-such-member', { type: argon2.argon2id });
  }

  async login(phone: string, password: string): Promise<SessionView> {
    const member = await this.members.findForLogin(phone);
    const hash = member?.passwordHash ?? (await this.dummyHash);
    const ok = await argon2.verify(hash, password).catch(() => false);
    if (!member || !member.passwordHash || !ok) throw new DomainError(ErrorCode.AuthInvalidCredentials, '手机号或密码错误');
    if (member.status !== MemberStatus.Active) throw new DomainError(ErrorCode.AuthMemberDisabled, '该账号已停用，请联系管理员');
    return this.session(member.id);
  }

  async loginWithDingTalk(authCode: string): Promise<SessionView> {
    try {
      const info = await this.dingtalk.userInfoByCode(authCode);
      const member = await this.members.findByDingTalkUserId(info.userid);
      if (!member) {
        const who = info.name ? `钉钉用户「${info.name}」（userid ${info.userid}）` : `钉钉用户 ${info.userid}`;
        throw new DomainError(
          ErrorCode.AuthDingTalkUserUnknown,
          `${who}尚未关联连心成员。请联系本单位管理员在通讯录中同步钉钉组织架构，或为您的成员资料填写钉钉 userid 后再进入。`,
          undefined,
          { dingtalkUserId: info.userid },
        );
      }
      const detail = await this.dingtalk.user(info.userid);
      if (detail.active === false || member.status !== MemberStatus.Active) {
        throw new DomainError(ErrorCode.AuthDingTalkUserInactive, '该账号已停用或尚未激活钉钉，请联系管理员');
      }
      return this.session(member.id);
    } catch (err) {
      throw this.translate(err);
    }
  }

  async jsapiConfig(url: string): Promise<JsapiConfigView> {
    try {
      return await this.dingtalk.jsapiConfig(url);
    } catch (err) {
      throw this.translate(err);
    }
  }

  clientConfig(): ClientConfigView {
    const d = this.runtime.config.dingtalk;
    return { orgName: this.runtime.config.orgName, dingtalk: { enabled: !!d, corpId: d?.corpId ?? null, clientId: d?.appKey ?? null } };
  }

  private async session(memberId: string): Promise<SessionView> {
    const [accessToken, member] = await Promise.all([this.tokens.sign(memberId), this.members.view(memberId)]);
    return { accessToken, expiresIn: this.tokens.ttlSeconds, member };
  }

  private translate(err: unknown): unknown {
    if (!(err instanceof DingTalkApiError)) return err;
    if (Number(err.errcode) === ERRCODE_AUTH_CODE_INVALID) {
      return new DomainError(ErrorCode.AuthDingTalkCodeInvalid, '钉钉免登授权码无效、已过期或已使用，请重新打开应用');
    }
    if (err.path === '/topapi/v2/user/get' && ERRCODE_USER_NOT_FOUND.has(Number(err.errcode))) {
      return new DomainError(ErrorCode.AuthDingTalkUserInactive, '钉钉通讯录中找不到该账号（可能已离职），请联系管理员');
    }
    // DingTalk's own message can name our server's address (IP whitelist): it goes to the log, not the client.
    this.logger.error({ errcode: err.errcode, subCode: err.subCode, path: err.path, errmsg: err.errmsg }, 'DingTalk call failed');
    const hint = UPSTREAM_HINTS[Number(err.subCode ?? NaN)] ?? UPSTREAM_HINTS[Number(err.errcode)] ?? '请稍后重试；持续出现请联系管理员查看服务器日志';
    return new DomainError(ErrorCode.DingTalkUpstreamError, `钉钉接口返回错误（错误码 ${err.errcode}${err.subCode ? '/' + err.subCode : ''}）：${hint}`);
  }
}
