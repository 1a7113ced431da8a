import { loadConfig } from './app-config';
import { ConfigError } from './env';

describe('configuration', () => {
  it('starts on the embedded database with demo defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeNull();
    expect(c.poolSize).toBe(1);
    expect(c.port).toBe(3000);
    expect(c.admin).toMatchObject({ phone: '13800000000', isDemoDefault: true });
    expect(c.dingtalk).toBeNull();
  });

  it('needs JWT_SECRET with DATABASE_URL and has no demo admin there', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x@db/y' })).toThrow(/JWT_SECRET is required/);
    const c = loadConfig({ DATABASE_URL: 'postgres://x@db/y', JWT_SECRET: 'x'.repeat(32) });
    expect(c.admin).toBeNull();
    expect(c.poolSize).toBe(10);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32/],
    [{ ADMIN_PHONE: '12345' , ADMIN_PASSWORD: 'long-enough-pw' }, /ADMIN_PHONE/],
    [{ ADMIN_PHONE: '13800000001' }, /ADMIN_PHONE and ADMIN_PASSWORD go together/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ DINGTALK_APP_KEY: 'k' }, /DingTalk needs all of .*missing DINGTALK_APP_SECRET/],
    [{ DINGTALK_JSAPI_SIGN_ALGO: 'md5' }, /DINGTALK_JSAPI_SIGN_ALGO/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    let err: unknown;
    try {
      loadConfig(env as Record<string, string>);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('reads DingTalk settings, defaulting the hosts and the SHA-256 signature', () => {
    const c = loadConfig({ DINGTALK_APP_KEY: 'k', DINGTALK_APP_SECRET: 's', DINGTALK_AGENT_ID: '1', DINGTALK_CORP_ID: 'ding1' });
    expect(c.dingtalk).toMatchObject({ apiBase: 'https://oapi.dingtalk.com', apiBaseV1: 'https://api.dingtalk.com', signAlgo: 'sha256' });
  });
});
