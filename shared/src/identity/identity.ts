import type { MemberView } from '../org/org.js';

export interface LoginRequest {
  phone: string;
  password: string;
}

export interface DingTalkLoginRequest {
  authCode: string;
}

export interface SessionView {
  accessToken: string;
  /** Seconds until the token expires. */
  expiresIn: number;
  member: MemberView;
}

/** Everything `dd.config` needs; the page passes it through unchanged. */
export interface JsapiConfigView {
  agentId: string;
  corpId: string;
  timeStamp: string;
  nonceStr: string;
  signature: string;
}

/** What the micro-app needs before anyone signs in. */
export interface ClientConfigView {
  orgName: string;
  dingtalk: { enabled: boolean; corpId: string | null; clientId: string | null };
}
