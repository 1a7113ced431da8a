import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { MetricsService } from './metrics.service.js';

@Global()
@Module({ imports: [TerminusModule], controllers: [HealthController], providers: [MetricsService], exports: [MetricsService] })
export class HealthModule {}
