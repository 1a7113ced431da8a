import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, type SyncReport } from '@lianxin/shared';
import type { Principal } from '../../common/decorators.js';
import { DomainError } from '../../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ScopeService } from '../../org/scope.service.js';
import { DingTalkDirectory } from './dingtalk-directory.js';
import { upstreamProblem } from './dingtalk-upstream.js';
import type { DirDept, DirUser } from './domain/directory.js';
import { OrgReconciler } from './org-reconciler.js';

export const NOT_CONFIGURED_DETAIL =
  '本系统尚未配置钉钉应用，无法同步组织架构。请设置 DINGTALK_APP_KEY、DINGTALK_APP_SECRET、DINGTALK_AGENT_ID、DINGTALK_CORP_ID 后重启服务';

/** The full org sync: DingTalk's department tree and users onto units and members. */
@Injectable()
export class DingTalkSyncService {
  private readonly logger = new Logger('DingTalkSync');

  constructor(
    private readonly scope: ScopeService,
    private readonly directory: DingTalkDirectory,
    private readonly reconciler: OrgReconciler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Reads the whole directory first (nothing is written while DingTalk is being asked), then
   * applies it in one transaction. Safe to rerun: a second run with no change in DingTalk
   * reports zeros.
   */
  async sync(principal: Principal): Promise<SyncReport> {
    await this.scope.assertUnit(principal, 'org.write', await this.reconciler.rootUnitId(), 'write');
    if (!this.config.dingtalk) throw new DomainError(ErrorCode.DingTalkNotConfigured, NOT_CONFIGURED_DETAIL);
    const started = Date.now();
    let depts: DirDept[];
    let users: DirUser[];
    try {
      ({ depts, users } = await this.directory.snapshot());
    } catch (err) {
      throw upstreamProblem(err, this.logger);
    }
    // An empty answer is a permission problem far more often than an empty organisation; it must not disable everyone.
    if (users.length === 0 && (await this.reconciler.activeLinkedMembers()) > 0) {
      throw new DomainError(
        ErrorCode.Conflict,
        '钉钉通讯录返回的成员为空，为避免误停用全部成员，本次同步未做任何修改。请检查钉钉应用的通讯录权限范围（开发者后台「权限管理」）',
      );
    }
    const result = (await this.reconciler.apply({ depts, users, complete: true }))!;
    const report: SyncReport = { fetched: { departments: depts.length, users: users.length }, ...result, durationMs: Date.now() - started };
    this.logger.log({ by: principal.memberId, ...report.units, members: report.members, durationMs: report.durationMs }, 'DingTalk org sync done');
    return report;
  }
}
