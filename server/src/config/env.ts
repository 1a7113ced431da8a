import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
const toNumber = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const httpUrl = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

/** Every environment variable the server reads. README.md's configuration table mirrors this class. */
export class Env {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional() @Transform(emptyToUndefined) @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE?: number;
  @IsOptional() @IsString() DATA_DIR?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(300) @Max(30 * 86400) JWT_TTL_SECONDS?: number;
  @IsOptional() @Transform(emptyToUndefined) @Matches(/^1\d{10}$/, { message: 'ADMIN_PHONE must be an 11-digit mainland mobile number' })
  ADMIN_PHONE?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() @MinLength(8, { message: 'ADMIN_PASSWORD must be at least 8 characters' })
  ADMIN_PASSWORD?: string;
  @IsOptional() @IsString() @MaxLength(100) ORG_NAME?: string;
  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10000) LOGIN_THROTTLE_LIMIT?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600) LOGIN_THROTTLE_TTL_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) @Max(100 * 1024 * 1024) BODY_LIMIT_BYTES?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(600_000) SHUTDOWN_TIMEOUT_MS?: number;
  @IsOptional() @IsString() MICROAPP_DIR?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) DINGTALK_API_BASE?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) DINGTALK_API_BASE_V1?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() DINGTALK_APP_KEY?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() DINGTALK_APP_SECRET?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() DINGTALK_AGENT_ID?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() DINGTALK_CORP_ID?: string;
  @IsOptional() @IsIn(['sha256', 'sha1']) DINGTALK_JSAPI_SIGN_ALGO?: 'sha256' | 'sha1';
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(60_000) DINGTALK_TIMEOUT_MS?: number;
  /** Event subscription (HTTP push): the token and 43-character EncodingAESKey set in the DingTalk console. */
  @IsOptional() @Transform(emptyToUndefined) @IsString() @MaxLength(128) DINGTALK_CALLBACK_TOKEN?: string;
  @IsOptional() @Transform(emptyToUndefined) @Matches(/^[A-Za-z0-9]{43}$/, { message: 'DINGTALK_CALLBACK_AES_KEY must be 43 letters or digits' })
  DINGTALK_CALLBACK_AES_KEY?: string;
  // ---- DING delivery channels (server/src/ding/channels). Each channel is off until its settings are complete.
  /** Alibaba Cloud AccessKey of a RAM user allowed to call dysmsapi (SMS) and dyvmsapi (voice). */
  @IsOptional() @Transform(emptyToUndefined) @Matches(/^[A-Za-z0-9]{8,64}$/, { message: 'ALIYUN_ACCESS_KEY_ID must be 8–64 letters or digits' })
  ALIYUN_ACCESS_KEY_ID?: string;
  @IsOptional() @Transform(emptyToUndefined) @Matches(/^[A-Za-z0-9]{16,64}$/, { message: 'ALIYUN_ACCESS_KEY_SECRET must be 16–64 letters or digits' })
  ALIYUN_ACCESS_KEY_SECRET?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsUrl(httpUrl, { message: 'ALIYUN_SMS_ENDPOINT must be an http(s) URL' }) ALIYUN_SMS_ENDPOINT?: string;
  /** The approved SMS signature (签名), without the 【】. */
  @IsOptional() @Transform(emptyToUndefined) @IsString() @MinLength(2) @MaxLength(64) ALIYUN_SMS_SIGN_NAME?: string;
  @IsOptional() @Transform(emptyToUndefined) @Matches(/^SMS_\d{1,20}$/, { message: 'ALIYUN_SMS_TEMPLATE_CODE must look like SMS_123456789' })
  ALIYUN_SMS_TEMPLATE_CODE?: string;
  @IsOptional() @Transform(toNumber) @IsNumber({}, { message: 'ALIYUN_SMS_RATE_PER_SECOND must be a number' }) @Min(0.01) @Max(5000) ALIYUN_SMS_RATE_PER_SECOND?: number;
  @IsOptional() @Transform(emptyToUndefined) @IsUrl(httpUrl, { message: 'ALIYUN_VMS_ENDPOINT must be an http(s) URL' }) ALIYUN_VMS_ENDPOINT?: string;
  /** 被叫显号 for dedicated-number calls (a bought number or service instance id); unset = the public number pool. */
  @IsOptional() @Transform(emptyToUndefined) @Matches(/^[A-Za-z0-9_-]{3,64}$/, { message: 'ALIYUN_VMS_SHOW_NUMBER must be a phone number or instance id without spaces' })
  ALIYUN_VMS_SHOW_NUMBER?: string;
  @IsOptional() @Transform(emptyToUndefined) @Matches(/^TTS_\d{1,20}$/, { message: 'ALIYUN_VMS_TTS_CODE must look like TTS_123456789' })
  ALIYUN_VMS_TTS_CODE?: string;
  @IsOptional() @Transform(toNumber) @IsNumber({}, { message: 'ALIYUN_VMS_RATE_PER_SECOND must be a number' }) @Min(0.01) @Max(1000) ALIYUN_VMS_RATE_PER_SECOND?: number;
  @IsOptional() @Transform(emptyToUndefined) @IsUrl(httpUrl, { message: 'DING_WEBHOOK_URL must be an http(s) URL' }) @MaxLength(2048) DING_WEBHOOK_URL?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() @MinLength(16, { message: 'DING_WEBHOOK_SECRET must be at least 16 characters' }) @MaxLength(256)
  DING_WEBHOOK_SECRET?: string;
  @IsOptional() @Transform(toNumber) @IsNumber({}, { message: 'DING_WEBHOOK_RATE_PER_SECOND must be a number' }) @Min(0.01) @Max(1000) DING_WEBHOOK_RATE_PER_SECOND?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) DING_WEBHOOK_MAX_BATCH?: number;
  /** robotCode of the app's robot, for robot DING (§2.11; paid DingTalk editions only). */
  @IsOptional() @Transform(emptyToUndefined) @Matches(/^[A-Za-z0-9_-]{4,64}$/, { message: 'DINGTALK_ROBOT_CODE must be 4–64 letters, digits, _ or -' })
  DINGTALK_ROBOT_CODE?: string;
  @IsOptional() @Transform(toNumber) @IsNumber({}, { message: 'DINGTALK_MESSAGE_RATE_PER_SECOND must be a number' }) @Min(0.01) @Max(20) DINGTALK_MESSAGE_RATE_PER_SECOND?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(60_000) CHANNEL_TIMEOUT_MS?: number;
  /** How long after a work notification its send result is checked (who DingTalk refused). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(86_400) DINGTALK_RESULT_CHECK_SECONDS?: number;
  /** Quiet hours (China time) that postpone non-urgent escalation steps, e.g. 22:00-07:00; "off" for none. */
  @IsOptional() @Matches(/^(off|\d{1,2}:\d{2}-\d{1,2}:\d{2})$/, { message: 'NOTICE_QUIET_HOURS must look like 22:00-07:00, or off' }) NOTICE_QUIET_HOURS?: string;
  /** How long an escalation "minute" is, in ms (tests shorten it). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(3_600_000) NOTICE_ESCALATION_MINUTE_MS?: number;
  /** Delivery attempts per batch, and the first retry delay (doubling after that). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(20) DING_DELIVERY_ATTEMPTS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600) DING_RETRY_DELAY_SECONDS?: number;
  /** Spot checks one person may be given per week. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) SPOT_CHECKS_PER_WEEK?: number;
  /** How long a spot-check "minute" (its answer window) is, in ms (tests shorten it). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(3_600_000) SPOT_CHECK_MINUTE_MS?: number;
  /** Ed25519 private key that signs the audit chain's checkpoints: PKCS#8 PEM, or that PEM (or its DER) in base64. Unset = a key file generated in DATA_DIR. */
  @IsOptional() @Transform(emptyToUndefined) @IsString() @MaxLength(8192) AUDIT_SIGNING_KEY?: string;
  /** How often each server anchors moved audit trails into the global chain (0 = only the per-minute job). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(3600) AUDIT_ANCHOR_INTERVAL_SECONDS?: number;
  /** Build the demo county on an empty database (default: true on the embedded database, false otherwise). */
  @IsOptional() @IsIn(['true', 'false'], { message: 'DEMO_SEED must be true or false' }) DEMO_SEED?: 'true' | 'false';
}

/** Validates the environment; throws one line naming every bad variable. */
export function validateEnv(raw: Record<string, string | undefined>): Env {
  const env = plainToInstance(Env, raw, { excludeExtraneousValues: false });
  const errors = validateSync(env, { whitelist: false, skipMissingProperties: false });
  if (errors.length > 0) {
    const parts = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m : `${e.property}: ${m}`)));
    throw new ConfigError(`Invalid configuration: ${parts.join('; ')}`);
  }
  const dingKeys = ['DINGTALK_APP_KEY', 'DINGTALK_APP_SECRET', 'DINGTALK_AGENT_ID', 'DINGTALK_CORP_ID'] as const;
  const setKeys = dingKeys.filter((k) => env[k]);
  if (setKeys.length > 0 && setKeys.length < dingKeys.length) {
    throw new ConfigError(`Invalid configuration: DingTalk needs all of ${dingKeys.join(', ')}; missing ${dingKeys.filter((k) => !env[k]).join(', ')}`);
  }
  if (!!env.DINGTALK_CALLBACK_TOKEN !== !!env.DINGTALK_CALLBACK_AES_KEY) {
    throw new ConfigError('Invalid configuration: DINGTALK_CALLBACK_TOKEN and DINGTALK_CALLBACK_AES_KEY go together');
  }
  if (env.DINGTALK_CALLBACK_TOKEN && !env.DINGTALK_APP_KEY) {
    throw new ConfigError('Invalid configuration: DINGTALK_CALLBACK_* needs the DingTalk app settings (DINGTALK_APP_KEY, …)');
  }
  if (!!env.ALIYUN_ACCESS_KEY_ID !== !!env.ALIYUN_ACCESS_KEY_SECRET) {
    throw new ConfigError('Invalid configuration: ALIYUN_ACCESS_KEY_ID and ALIYUN_ACCESS_KEY_SECRET go together');
  }
  if (!!env.ALIYUN_SMS_SIGN_NAME !== !!env.ALIYUN_SMS_TEMPLATE_CODE) {
    throw new ConfigError('Invalid configuration: ALIYUN_SMS_SIGN_NAME and ALIYUN_SMS_TEMPLATE_CODE go together');
  }
  if ((env.ALIYUN_SMS_SIGN_NAME || env.ALIYUN_VMS_TTS_CODE) && !env.ALIYUN_ACCESS_KEY_ID) {
    throw new ConfigError('Invalid configuration: ALIYUN_SMS_* and ALIYUN_VMS_* need ALIYUN_ACCESS_KEY_ID and ALIYUN_ACCESS_KEY_SECRET');
  }
  if (env.ALIYUN_VMS_SHOW_NUMBER && !env.ALIYUN_VMS_TTS_CODE) {
    throw new ConfigError('Invalid configuration: ALIYUN_VMS_SHOW_NUMBER needs ALIYUN_VMS_TTS_CODE');
  }
  if (!!env.DING_WEBHOOK_URL !== !!env.DING_WEBHOOK_SECRET) {
    throw new ConfigError('Invalid configuration: DING_WEBHOOK_URL and DING_WEBHOOK_SECRET go together');
  }
  if (env.DINGTALK_ROBOT_CODE && !env.DINGTALK_APP_KEY) {
    throw new ConfigError('Invalid configuration: DINGTALK_ROBOT_CODE needs the DingTalk app settings (DINGTALK_APP_KEY, …)');
  }
  if ((env.ADMIN_PHONE && !env.ADMIN_PASSWORD) || (!env.ADMIN_PHONE && env.ADMIN_PASSWORD)) {
    throw new ConfigError('Invalid configuration: ADMIN_PHONE and ADMIN_PASSWORD go together');
  }
  return env;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}
