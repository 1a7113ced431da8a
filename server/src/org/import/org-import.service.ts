import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode, type ImportReport, type ImportRowError, type UnitKind } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/domain-error.js';
import type { Principal } from '../../common/decorators.js';
import { nameKeys } from '../domain/pinyin.js';
import { inferUnitKind } from '../domain/unit-kind.js';
import { ScopeService } from '../scope.service.js';
import { readImportFile, type ImportRow } from './domain/import-file.js';
import { OrgImportSql, type ImportOutcome, type PlannedUnit, type StagedRow } from './org-import.repository.js';

/** Carries a dry run's report out of its transaction, which is rolled back by throwing it. */
class DryRunRollback extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

interface Root {
  id: string;
  name: string;
  kind: UnitKind;
}

/** How many row errors the problem's `detail` spells out; all of them are in `report.errors`. */
const DETAIL_ERRORS = 3;

/** `POST /org/import`: the org chart from a CSV file, all rows or none. */
@Injectable()
export class OrgImportService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: ScopeService,
  ) {}

  /**
   * Imports the file in one transaction: units along each path are found or created, members are
   * matched by phone and created or updated, memberships, head flags and roles are added. Any bad
   * row, and nothing changes: the answer lists every problem. A dry run does everything, reports,
   * and rolls back.
   */
  async import(principal: Principal, file: Buffer, dryRun: boolean): Promise<ImportReport> {
    const root = await this.root();
    await this.scope.assertUnit(principal, 'org.write', root.id, 'write');

    const parsed = readImportFile(file, root.name);
    const report: ImportReport = {
      dryRun,
      rows: parsed.rowCount,
      unitsCreated: 0,
      createdUnits: [],
      membersCreated: 0,
      membersUpdated: 0,
      membersUnchanged: 0,
      membershipsAdded: 0,
      rolesGranted: 0,
      errors: parsed.errors,
      warnings: parsed.warnings,
    };
    if (parsed.rows.length === 0) throw invalid(report);

    const { units, rows } = plan(root, parsed.rows);
    try {
      return await this.ds.transaction(async (tx) => {
        const outcome = await OrgImportSql.apply(tx, root.id, units, rows);
        const done = withOutcome(report, outcome, parsed.rows);
        if (done.errors.length) throw invalid(done);
        if (dryRun) throw new DryRunRollback(done);
        return done;
      });
    } catch (err) {
      if (err instanceof DryRunRollback) return err.report;
      throw err;
    }
  }

  private async root(): Promise<Root> {
    const roots = await this.ds.query<Root[]>(`SELECT id, name, kind FROM unit WHERE parent_id IS NULL ORDER BY created_at LIMIT 1`);
    if (roots.length === 0) throw new DomainError(ErrorCode.OrgUnitNotFound, '还没有根单位，无法导入');
    return roots[0];
  }
}

/** The file's units (every prefix of every path, root first, in file order) and its rows keyed to them. */
function plan(root: Root, good: ImportRow[]): { units: PlannedUnit[]; rows: StagedRow[] } {
  const units = new Map<string, PlannedUnit>([[root.name, { key: root.name, parentKey: null, name: root.name, depth: 0, kind: root.kind }]]);
  const keysCache = new Map<string, { initials: string; pinyin: string }>();
  const rows = good.map((r): StagedRow => {
    let key = root.name;
    for (let depth = 1; depth < r.path.length; depth++) {
      const parent = units.get(key)!;
      key = `${key}/${r.path[depth]}`;
      if (!units.has(key)) {
        // An existing parent's kind is inferred from its name too: close enough to tell a bureau from an office.
        const kind = inferUnitKind(r.path[depth], { isRoot: depth === 1, kind: parent.kind });
        units.set(key, { key, parentKey: parent.key, name: r.path[depth], depth, kind });
      }
    }
    let keys = keysCache.get(r.name);
    if (!keys) keysCache.set(r.name, (keys = nameKeys(r.name)));
    return {
      line: r.line,
      unitKey: key,
      phone: r.phone,
      name: r.name,
      nameInitials: keys.initials,
      namePinyin: keys.pinyin,
      title: r.title,
      isHead: r.isHead,
      roles: r.roles,
    };
  });
  return { units: [...units.values()], rows };
}

function withOutcome(report: ImportReport, o: ImportOutcome, good: ImportRow[]): ImportReport {
  const errors: ImportRowError[] = [...report.errors];
  if (o.ambiguousUnits.length) {
    const ambiguous = new Set(o.ambiguousUnits);
    for (const r of good) {
      const key = r.path.map((_, i) => r.path.slice(0, i + 1).join('/')).find((k) => ambiguous.has(k));
      if (key) errors.push({ line: r.line, column: 'unitPath', message: `“${key}”有重名的同级单位，无法确定是哪一个；请先在通讯录里把它们改成不同的名称` });
    }
    errors.sort((a, b) => a.line - b.line);
  }
  const warnings = [
    ...report.warnings,
    ...o.disabledLines.map((line): ImportRowError => ({ line, column: 'phone', message: '该成员已停用：资料已按文件更新，但账号仍保持停用' })),
  ];
  return {
    ...report,
    unitsCreated: o.createdUnits.length,
    createdUnits: o.createdUnits,
    membersCreated: o.membersCreated,
    membersUpdated: o.membersUpdated,
    membersUnchanged: o.membersUnchanged,
    membershipsAdded: o.membershipsAdded,
    rolesGranted: o.rolesGranted,
    errors,
    warnings,
  };
}

/** The 400 for a file with bad rows: nothing was changed; `report` lists every problem. */
function invalid(report: ImportReport): DomainError {
  const shown = report.errors.slice(0, DETAIL_ERRORS).map((e) => (e.line > 0 ? `第 ${e.line} 行：${e.message}` : e.message));
  const more = report.errors.length > DETAIL_ERRORS ? `；另有 ${report.errors.length - DETAIL_ERRORS} 处错误` : '';
  const detail =
    report.errors.length === 1 && report.errors[0].line === 0
      ? `${shown[0]}（未做任何修改）`
      : `导入文件有 ${report.errors.length} 处错误，未做任何修改。${shown.join('；')}${more}`;
  return new DomainError(ErrorCode.OrgImportInvalid, detail, undefined, { report: emptied(report) });
}

/** A rejected import changed nothing: its report says so, whatever the rolled-back transaction counted. */
function emptied(report: ImportReport): ImportReport {
  return { ...report, unitsCreated: 0, createdUnits: [], membersCreated: 0, membersUpdated: 0, membersUnchanged: 0, membershipsAdded: 0, rolesGranted: 0 };
}
