import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { requestId } from './common/logging.js';
import { registerFileBodyParser } from './common/file-body.js';
import { ProblemFilter } from './common/problem.filter.js';
import { serveMicroapp } from './common/static-site.js';
import { validationPipe } from './common/validation.js';
import type { AppConfig } from './config/app-config.js';
import { MetricsService } from './health/metrics.service.js';
import { prepareRuntime, type Runtime } from './runtime.js';

export interface CreatedApp {
  app: NestFastifyApplication;
  runtime: Runtime;
  /** Closes the app (HTTP, jobs, pool) and then the embedded database, if any. */
  close(): Promise<void>;
}

/** Builds the whole app on Fastify: the same path for `main.ts` and for the tests. */
export async function createApp(config: AppConfig): Promise<CreatedApp> {
  const runtime = await prepareRuntime(config);
  try {
    const adapter = new FastifyAdapter({
      bodyLimit: config.bodyLimitBytes,
      trustProxy: true,
      genReqId: requestId,
      forceCloseConnections: 'idle',
      routerOptions: { maxParamLength: 200 },
    });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(runtime), adapter, { bufferLogs: true, abortOnError: false });
    app.useLogger(app.get(Logger));
    app.setGlobalPrefix('api', { exclude: ['health', 'metrics'] });
    app.useGlobalPipes(validationPipe());
    const spa = await serveMicroapp(app, config);
    app.useGlobalFilters(new ProblemFilter(spa));

    const fastify = app.getHttpAdapter().getInstance();
    registerFileBodyParser(fastify); // CSV imports, notice attachments, check-in photos arrive as raw bodies
    const metrics = app.get(MetricsService);
    fastify.addHook('onSend', async (req, reply) => {
      reply.header('x-request-id', req.id);
    });
    fastify.addHook('onResponse', async (req, reply) => {
      metrics.http.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
    const doc = new DocumentBuilder()
      .setTitle('连心 Lianxin API')
      .setDescription('县域政务协同：通知、DING、考勤、审批与审计')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build();
    SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc));

    await app.init();
    await fastify.ready();
    return {
      app,
      runtime,
      close: async () => {
        await app.close();
        await runtime.database.embedded?.stop();
      },
    };
  } catch (err) {
    await runtime.database.embedded?.stop().catch(() => undefined);
    throw err;
  }
}
