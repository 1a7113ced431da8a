import { Global, Module } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../database/database.module.js';
import { RUNTIME, type Runtime } from '../runtime.js';
import { EVENT_BUS, type EventBus } from './event-bus.js';
import { EventsController } from './events.controller.js';
import { EventsService } from './events.service.js';
import { InProcessBus } from './in-process-bus.js';
import { PgNotifyBus } from './pg-notify-bus.js';

@Global()
@Module({
  controllers: [EventsController],
  providers: [
    {
      provide: EVENT_BUS,
      inject: [RUNTIME, PG_POOL],
      useFactory: (runtime: Runtime, pool: pg.Pool): Promise<EventBus> | EventBus =>
        runtime.database.embedded ? new InProcessBus() : PgNotifyBus.start(runtime.database.url, pool),
    },
    EventsService,
  ],
  exports: [EventsService],
})
export class EventsModule {}
