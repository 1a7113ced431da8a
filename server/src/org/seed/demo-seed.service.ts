import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RUNTIME, type Runtime } from '../../runtime.js';
import { seedDemoAttendance } from '../../attendance/seed/demo-attendance.js';
import { describeDemoSeed, formatSignInTable, seedDemoCounty, type DemoSeedResult } from './demo-seed.js';

/**
 * Builds the demo county on the first start of a fresh database when DEMO_SEED is on (the default
 * on the embedded database). Runs after OrgBootstrapService: OrgModule is global, and Nest calls
 * global modules' bootstrap hooks before those of the modules AppModule imports.
 */
@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoSeed');
  /** What this start seeded; null when it seeded nothing. */
  result: DemoSeedResult | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { demoSeed, orgName, env } = this.runtime.config;
    if (!demoSeed) return;
    const outcome = await this.ds.transaction(async (tx) => {
      const county = await seedDemoCounty(tx, { rootName: orgName });
      if (county.seeded) {
        const attendance = await seedDemoAttendance(tx, { wholeMonth: this.runtime.config.databaseUrl !== null });
        this.logger.log(attendance, '演示考勤已生成');
      }
      return county;
    });
    if (!outcome.seeded) {
      this.logger.debug(`演示县未生成：${outcome.reason}`);
      return;
    }
    const r = (this.result = outcome.result);
    this.logger.log(
      { towns: r.towns, villages: r.villages, bureaus: r.bureaus, offices: r.offices, members: r.members, ms: r.ms, signIns: r.signIns },
      `${describeDemoSeed(r)}；演示账号 ${r.signIns.map((s) => `${s.role} ${s.phone}`).join('、')}，密码均为 ${r.password}`,
    );
    // The same table, readable, beside main.ts's "已启动" block; tests keep their output quiet.
    if (env !== 'test') process.stdout.write(`\n${formatSignInTable(r)}\n`);
  }
}
