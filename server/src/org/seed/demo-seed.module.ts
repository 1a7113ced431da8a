import { Module } from '@nestjs/common';

/** The demo county: seeded on the first embedded start and by `npm run seed:demo`. */
@Module({})
export class DemoSeedModule {}
