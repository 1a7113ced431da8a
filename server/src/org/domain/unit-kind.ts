import { UnitKind } from '@lianxin/shared';

const VILLAGE = /((村|社区)(民委员会|委会|居委会|居民委员会|党支部|党总支|党委)?|居委会|居民委员会)$/;
const TOWN = /(镇|乡|街道)(人民政府|政府|办事处|办|党委)?$/;
const COUNTY = /县$/;
/** 县委办、财政局、政务服务中心, and the Party and court bodies a county has directly under it (组织部、人民法院). */
const BUREAU = /(局|办|委|室|中心|部|院)$/;

/** Where the unit goes: directly under the root, or under a unit of some kind. */
export interface UnitParent {
  isRoot: boolean;
  kind: UnitKind;
}

/**
 * The kind of a unit that an import creates, read from its name the way a county names things:
 * 村/社区 are villages, 镇/乡/街道 towns, a 县 a county; 局/办/委/室/中心 directly under the root
 * (or under a county) are bureaus; anything else is an office (科室) of its parent.
 * Villages and towns are tested first because 街道办 and 村委会 also end like a bureau. Imports
 * and the DingTalk sync both name new units' kinds with this.
 */
export function inferUnitKind(name: string, parent: UnitParent): UnitKind {
  const n = name.trim().replace(/[（(][^（）()]*[)）]$/, '').trim(); // 城关镇（筹） → 城关镇
  if (VILLAGE.test(n)) return UnitKind.Village;
  if (TOWN.test(n)) return UnitKind.Town;
  if (COUNTY.test(n)) return UnitKind.County;
  if ((parent.isRoot || parent.kind === UnitKind.County) && BUREAU.test(n)) return UnitKind.Bureau;
  return UnitKind.Office;
}
