import { Module } from '@nestjs/common';
import { DemoSeedService } from './demo-seed.service.js';

/** The demo county: seeded on the first embedded start and by `npm run seed:demo`. */
@Module({ providers: [DemoSeedService], exports: [DemoSeedService] })
export class DemoSeedModule {}
