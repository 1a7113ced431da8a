import { ConfigError } from './config/env.js';
import { DEMO_ADMIN, loadConfig, microappBuilt } from './config/app-config.js';
import { createApp } from './app.factory.js';

async function main(): Promise<void> {
  const started = Date.now();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const { app, runtime, close } = await createApp(config);
  const logger = app.get((await import('nestjs-pino')).Logger);
  await app.listen({ port: config.port, host: config.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shown}:${port}`;
  logger.log(`Lianxin listening on ${url} (${runtime.database.embedded ? `embedded database in ${config.dataDir}` : 'PostgreSQL'}), ready in ${Date.now() - started} ms`, 'Main');

  const lines = [`\n  连心 Lianxin 已启动: ${url}`];
  if (!microappBuilt(config)) lines.push('  (微应用尚未构建：运行 npm run build 后刷新)');
  if (config.admin?.isDemoDefault) lines.push(`  演示登录 手机号 ${DEMO_ADMIN.phone} 密码 ${DEMO_ADMIN.password}（仅内置数据库；正式部署请设置 ADMIN_PHONE/ADMIN_PASSWORD）`);
  else if (config.admin) lines.push(`  管理员登录 手机号 ${config.admin.phone}（密码见 ADMIN_PASSWORD）`);
  lines.push(`  健康检查 ${url}/health · 接口文档 ${url}/api/docs\n`);
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`  收到 ${signal}：处理完进行中的请求后停止 (${signal} received: finishing in-flight requests)\n`);
    const force = setTimeout(() => {
      process.stderr.write(`shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting\n`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    close().then(
      () => {
        process.stdout.write('  连心 Lianxin 已停止\n');
        process.exit(0);
      },
      (err) => {
        process.stderr.write(`shutdown failed: ${(err as Error).stack}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Lianxin failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
