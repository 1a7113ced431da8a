import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode, type SyncReport } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/domain-error.js';
import type { Sql } from '../../org/org-tree.repository.js';
import type { DirDept, DirUser } from './domain/directory.js';
import { planMembers, planUnits } from './domain/sync-plan.js';
import { OrgSyncStore } from './org-sync.repository.js';

/** DingTalk's state for some departments and users, as fetched. */
export interface OrgChange {
  depts: DirDept[];
  users: DirUser[];
  /** The whole directory: departments and users not in it are gone. */
  complete: boolean;
  /** Departments and users DingTalk confirmed gone (events). */
  goneDepts?: string[];
  goneUsers?: string[];
}

export type ReconcileResult = Pick<SyncReport, 'units' | 'members' | 'keptUnits' | 'skippedUsers'>;

/**
 * Makes units and members match what DingTalk says, in one transaction under the sync lock:
 * plan from the rows as they are now, apply, remove the units of gone departments that are empty.
 * Both the full sync and the org-change events come through here.
 */
@Injectable()
export class OrgReconciler {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async rootUnitId(): Promise<string> {
    const rows = await this.ds.query<{ id: string }[]>(`SELECT id FROM unit WHERE parent_id IS NULL`);
    if (rows.length !== 1) throw new DomainError(ErrorCode.Conflict, rows.length ? '存在多个顶级单位，无法确定与钉钉根部门对应的单位' : '尚未创建顶级单位');
    return rows[0].id;
  }

  knownDeptIds(): Promise<Set<string>> {
    return OrgSyncStore.linkedDeptIds(this.ds);
  }

  eventSeen(eventId: string): Promise<boolean> {
    return OrgSyncStore.eventSeen(this.ds, eventId);
  }

  async activeLinkedMembers(): Promise<number> {
    const [{ n }] = await this.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM member WHERE dingtalk_user_id IS NOT NULL AND status = 'active'`);
    return n;
  }

  /**
   * Applies a change. `guard` runs first inside the transaction (an event records itself there);
   * when it answers false nothing is applied and the result is null.
   */
  apply(change: OrgChange, guard?: (tx: Sql) => Promise<boolean>): Promise<ReconcileResult | null> {
    return this.ds.transaction(async (tx) => {
      await OrgSyncStore.lock(tx);
      if (guard && !(await guard(tx))) return null;
      const unitPlan = planUnits(await OrgSyncStore.units(tx), change.depts, { complete: change.complete, gone: change.goneDepts, newId: randomUUID });
      const deptUnit = await OrgSyncStore.applyUnits(tx, unitPlan);

      const userids = [...change.users.map((u) => u.userid), ...(change.goneUsers ?? [])];
      const phones = change.users.map((u) => u.mobile?.replace(/\s+/g, '')).filter((p): p is string => !!p);
      const members = await OrgSyncStore.members(tx, { allLinked: change.complete, userids, phones });
      const memberships = await OrgSyncStore.memberships(tx, members.map((m) => m.id));
      const memberPlan = planMembers({
        users: change.users,
        members,
        memberships,
        deptUnit,
        syncedUnitIds: new Set(deptUnit.values()),
        rootId: unitPlan.rootId,
        complete: change.complete,
        gone: change.goneUsers,
        newId: randomUUID,
      });
      await OrgSyncStore.applyMembers(tx, memberPlan);
      const removal = await OrgSyncStore.removeUnits(tx, unitPlan.removals);
      return {
        units: { created: unitPlan.creates.length, updated: unitPlan.updated, removed: removal.removed.length, kept: removal.kept.length },
        members: { created: memberPlan.creates.length, updated: memberPlan.updated, disabled: memberPlan.disables.length, skipped: memberPlan.skipped.length },
        keptUnits: removal.kept,
        skippedUsers: memberPlan.skipped.map((s) => ({ dingtalkUserId: s.userid, name: s.name, reason: s.reason })).sort((a, b) => a.dingtalkUserId.localeCompare(b.dingtalkUserId)),
      };
    });
  }
}
