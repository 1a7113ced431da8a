import type { Logger } from '@nestjs/common';
import { ErrorCode } from '@lianxin/shared';
import { DomainError } from '../../common/domain-error.js';
import { DingTalkApiError } from '../dingtalk.errors.js';
import { DirectoryDataError } from './domain/directory.js';

/** What an administrator should do about the errors the contacts APIs give a misconfigured app. */
const HINTS: Record<string, string> = {
  50004: '部门不在钉钉应用的通讯录权限范围内，请管理员在钉钉开发者后台把「通讯录范围」设为全部员工或包含所需部门',
  60011: '钉钉应用缺少通讯录读权限，请管理员在开发者后台「权限管理」中开通「通讯录部门信息读权限」和「成员信息读权限」',
  60019: '钉钉未能返回部门成员，请稍后重试',
  60020: '服务器出口 IP 不在钉钉应用的白名单中，请管理员在钉钉开发者后台添加',
  40096: '钉钉应用的 AppKey 或 AppSecret 配置错误，请管理员检查 DINGTALK_APP_KEY / DINGTALK_APP_SECRET',
  40089: '钉钉应用的 CorpId 或密钥配置错误，请管理员检查配置',
  90002: '钉钉接口调用过于频繁，请稍后重试',
  90018: '钉钉接口调用过于频繁，请稍后重试',
  45009: '钉钉接口调用次数超过限制，请稍后重试',
  '-1': '钉钉系统繁忙，请稍后重试',
  NETWORK: '无法连接钉钉服务器，请检查服务器网络或 DINGTALK_API_BASE 配置',
};

/**
 * Turns a DingTalk failure into a 502 problem that says what to do. DingTalk's own message can name
 * our server's address (IP whitelist): it goes to the log, not to the client. Anything else passes through.
 */
export function upstreamProblem(err: unknown, logger: Logger): unknown {
  if (err instanceof DirectoryDataError) {
    logger.error({ err: err.message }, 'DingTalk answered data the sync cannot use');
    return new DomainError(ErrorCode.DingTalkUpstreamError, `钉钉返回的通讯录数据无法使用（${err.message}），本次未做任何修改`);
  }
  if (!(err instanceof DingTalkApiError)) return err;
  logger.error({ errcode: err.errcode, subCode: err.subCode, path: err.path, errmsg: err.errmsg }, 'DingTalk call failed');
  const code = `${err.errcode}${err.subCode ? '/' + err.subCode : ''}`;
  const hint = HINTS[err.subCode ?? ''] ?? HINTS[String(err.errcode)] ?? '请稍后重试；持续出现请联系管理员查看服务器日志';
  return new DomainError(ErrorCode.DingTalkUpstreamError, `钉钉接口 ${err.path ?? ''} 返回错误（错误码 ${code}），本次未做任何修改：${hint}`);
}
