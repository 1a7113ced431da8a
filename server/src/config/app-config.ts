import { createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseQuietHours, type QuietHours } from '../ding/quiet-hours.js';
import { ConfigError, validateEnv } from './env.js';

export interface DingTalkConfig {
  apiBase: string;
  apiBaseV1: string;
  appKey: string;
  appSecret: string;
  agentId: string;
  corpId: string;
  signAlgo: 'sha256' | 'sha1';
  timeoutMs: number;
  /** Org-change event subscription; null when not configured (the callback endpoint then refuses). */
  callback: { token: string; aesKey: string } | null;
}

/**
 * The DING delivery channels' settings (server/src/ding/channels). Every section is always present so a
 * channel can say which variables are missing; a channel is on only when its nullable fields are set.
 */
export interface ChannelsConfig {
  /** Timeout of each provider call. */
  timeoutMs: number;
  aliyun: { accessKeyId: string | null; accessKeySecret: string | null };
  sms: { endpoint: string; signName: string | null; templateCode: string | null; ratePerSecond: number };
  /** `showNumber` null = Alibaba's public number pool (公共模式). */
  voice: { endpoint: string; showNumber: string | null; ttsCode: string | null; ratePerSecond: number };
  webhook: { url: string | null; secret: string | null; ratePerSecond: number; maxBatch: number };
  /** Work notifications go through the DingTalk app settings (`AppConfig.dingtalk`); the robot DING also needs `robotCode`. */
  dingtalk: { robotCode: string | null; ratePerSecond: number; resultCheckSeconds: number };
}

/** The typed, validated configuration. Only this folder reads process.env. */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Null means the embedded database (PGlite) under dataDir. */
  databaseUrl: string | null;
  poolSize: number;
  dataDir: string;
  /** Null in embedded mode until the runtime generates or loads one from dataDir. */
  jwtSecret: string | null;
  jwtTtlSeconds: number;
  admin: { phone: string; password: string; isDemoDefault: boolean } | null;
  orgName: string;
  logLevel: string;
  loginThrottle: { limit: number; ttlSeconds: number };
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  microappDir: string;
  dingtalk: DingTalkConfig | null;
  channels: ChannelsConfig;
  notices: {
    /** Null: no quiet hours. */
    quietHours: QuietHours | null;
    escalationMinuteMs: number;
    deliveryAttempts: number;
    retryDelaySeconds: number;
  };
  attendance: {
    /** Spot checks one person may be given per week (China Monday to Sunday), so the tool cannot become harassment. */
    spotChecksPerWeek: number;
    /** How long a spot-check "minute" is, in ms (tests shorten it). */
    spotCheckMinuteMs: number;
  };
  audit: {
    /** Ed25519 private key (PKCS#8 PEM) from AUDIT_SIGNING_KEY; null = the key file in dataDir (generated on first start). */
    signingKeyPem: string | null;
    /** Seconds between anchoring passes of each server (0 = only the per-minute job). */
    anchorIntervalSeconds: number;
  };
  /** Build the demo county when the database has no members besides the bootstrap admin. */
  demoSeed: boolean;
}

/** Demo sign-in used only on the embedded database when no ADMIN_* is given. */
export const DEMO_ADMIN = { phone: '13800000000', password: 'lianxin2026' } as const;

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..');

export function loadConfig(raw: Record<string, string | undefined> = process.env): AppConfig {
  const env = validateEnv(raw);
  const databaseUrl = env.DATABASE_URL ?? null;
  if (databaseUrl && !env.JWT_SECRET) {
    throw new ConfigError('Invalid configuration: JWT_SECRET is required when DATABASE_URL is set (at least 32 characters)');
  }
  let admin: AppConfig['admin'] = null;
  if (env.ADMIN_PHONE && env.ADMIN_PASSWORD) admin = { phone: env.ADMIN_PHONE, password: env.ADMIN_PASSWORD, isDemoDefault: false };
  else if (!databaseUrl) admin = { ...DEMO_ADMIN, isDemoDefault: true };
  const dingtalk: DingTalkConfig | null = env.DINGTALK_APP_KEY
    ? {
        apiBase: stripSlash(env.DINGTALK_API_BASE ?? 'https://oapi.dingtalk.com'),
        apiBaseV1: stripSlash(env.DINGTALK_API_BASE_V1 ?? 'https://api.dingtalk.com'),
        appKey: env.DINGTALK_APP_KEY,
        appSecret: env.DINGTALK_APP_SECRET!,
        agentId: env.DINGTALK_AGENT_ID!,
        corpId: env.DINGTALK_CORP_ID!,
        signAlgo: env.DINGTALK_JSAPI_SIGN_ALGO ?? 'sha256',
        timeoutMs: env.DINGTALK_TIMEOUT_MS ?? 10_000,
        callback: env.DINGTALK_CALLBACK_TOKEN ? { token: env.DINGTALK_CALLBACK_TOKEN, aesKey: env.DINGTALK_CALLBACK_AES_KEY! } : null,
      }
    : null;
  const defaultMicroapp = resolve(repoRoot, 'microapp', 'dist');
  return {
    env: (env.NODE_ENV as AppConfig['env']) ?? 'development',
    port: env.PORT ?? 3000,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl,
    poolSize: databaseUrl ? (env.DATABASE_POOL_SIZE ?? 10) : 1,
    dataDir: resolve(env.DATA_DIR ?? './data'),
    jwtSecret: env.JWT_SECRET ?? null,
    jwtTtlSeconds: env.JWT_TTL_SECONDS ?? 12 * 3600,
    admin,
    orgName: env.ORG_NAME ?? '示范县',
    logLevel: env.LOG_LEVEL ?? 'info',
    loginThrottle: { limit: env.LOGIN_THROTTLE_LIMIT ?? 10, ttlSeconds: env.LOGIN_THROTTLE_TTL_SECONDS ?? 60 },
    bodyLimitBytes: env.BODY_LIMIT_BYTES ?? 1024 * 1024,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS ?? 15_000,
    microappDir: env.MICROAPP_DIR ? resolve(env.MICROAPP_DIR) : defaultMicroapp,
    dingtalk,
    channels: {
      timeoutMs: env.CHANNEL_TIMEOUT_MS ?? 10_000,
      aliyun: { accessKeyId: env.ALIYUN_ACCESS_KEY_ID ?? null, accessKeySecret: env.ALIYUN_ACCESS_KEY_SECRET ?? null },
      sms: {
        endpoint: stripSlash(env.ALIYUN_SMS_ENDPOINT ?? 'https://dysmsapi.aliyuncs.com'),
        signName: env.ALIYUN_SMS_SIGN_NAME ?? null,
        templateCode: env.ALIYUN_SMS_TEMPLATE_CODE ?? null,
        // 60 SendBatchSms calls of 100 numbers = 6,000 messages/s: above the 5,000/s a county-wide escalation needs, far under the API's QPS limit.
        ratePerSecond: env.ALIYUN_SMS_RATE_PER_SECOND ?? 60,
      },
      voice: {
        endpoint: stripSlash(env.ALIYUN_VMS_ENDPOINT ?? 'https://dyvmsapi.aliyuncs.com'),
        showNumber: env.ALIYUN_VMS_SHOW_NUMBER ?? null,
        ttsCode: env.ALIYUN_VMS_TTS_CODE ?? null,
        ratePerSecond: env.ALIYUN_VMS_RATE_PER_SECOND ?? 5,
      },
      webhook: {
        url: env.DING_WEBHOOK_URL ?? null,
        secret: env.DING_WEBHOOK_SECRET ?? null,
        ratePerSecond: env.DING_WEBHOOK_RATE_PER_SECOND ?? 10,
        maxBatch: env.DING_WEBHOOK_MAX_BATCH ?? 100,
      },
      // DingTalk reaches at most 5,000 recipients a minute and silently drops the rest (reference §2.9):
      // 0.8 calls/s of up to 100 user ids stays under that.
      dingtalk: {
        robotCode: env.DINGTALK_ROBOT_CODE ?? null,
        ratePerSecond: env.DINGTALK_MESSAGE_RATE_PER_SECOND ?? 0.8,
        resultCheckSeconds: env.DINGTALK_RESULT_CHECK_SECONDS ?? 60,
      },
    },
    notices: {
      quietHours: parseQuietHours(env.NOTICE_QUIET_HOURS ?? '22:00-07:00'),
      escalationMinuteMs: env.NOTICE_ESCALATION_MINUTE_MS ?? 60_000,
      deliveryAttempts: env.DING_DELIVERY_ATTEMPTS ?? 5,
      retryDelaySeconds: env.DING_RETRY_DELAY_SECONDS ?? 5,
    },
    attendance: {
      spotChecksPerWeek: env.SPOT_CHECKS_PER_WEEK ?? 3,
      spotCheckMinuteMs: env.SPOT_CHECK_MINUTE_MS ?? 60_000,
    },
    audit: {
      signingKeyPem: auditSigningKey(env.AUDIT_SIGNING_KEY),
      anchorIntervalSeconds: env.AUDIT_ANCHOR_INTERVAL_SECONDS ?? 5,
    },
    demoSeed: env.DEMO_SEED ? env.DEMO_SEED === 'true' : !databaseUrl,
  };
}

/**
 * AUDIT_SIGNING_KEY as a PKCS#8 PEM: given as PEM (real line breaks or `\\n`), as that PEM in base64
 * (one line, for .env files), or as the DER in base64. Anything but an Ed25519 private key stops start-up.
 */
function auditSigningKey(raw: string | undefined): string | null {
  if (!raw) return null;
  const bad = () => new ConfigError('Invalid configuration: AUDIT_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM, or that PEM in base64)');
  let key: KeyObject;
  try {
    const text = raw.trim().replace(/\\n/g, '\n');
    if (text.startsWith('-----BEGIN')) key = createPrivateKey(text);
    else {
      const bytes = Buffer.from(text, 'base64');
      const decoded = bytes.toString('utf8').trim();
      key = decoded.startsWith('-----BEGIN') ? createPrivateKey(decoded) : createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' });
    }
  } catch {
    throw bad();
  }
  if (key.asymmetricKeyType !== 'ed25519') throw bad();
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function microappBuilt(config: AppConfig): boolean {
  return existsSync(resolve(config.microappDir, 'index.html'));
}

const stripSlash = (u: string) => u.replace(/\/+$/, '');

export const APP_CONFIG = Symbol('APP_CONFIG');
