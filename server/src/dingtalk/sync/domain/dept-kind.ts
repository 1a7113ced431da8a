import { UnitKind } from '@lianxin/shared';

/**
 * The unit kind a DingTalk department name suggests, read from how the name ends: 局/办/委 →
 * bureau, 镇/乡/街道 → town, 村/社区 → village, anything else an office. The endings of the usual
 * full names are understood too (街道办事处, 村民委员会, 县政府办公室), so 东门街道办事处 is a town
 * and 东风村委会 a village, not bureaus. Kept private to the sync: an administrator may change a
 * unit's kind afterwards, and the sync then leaves it alone.
 */
export function kindFromDeptName(raw: string): UnitKind {
  const name = raw.trim().replace(/[（(][^（）()]*[)）]$/, '').trim(); // 城关镇（筹） → 城关镇
  for (const [pattern, kind] of RULES) if (pattern.test(name)) return kind;
  return UnitKind.Office;
}

const RULES: ReadonlyArray<readonly [RegExp, UnitKind]> = [
  [/(村|社区)(民委员会|委会|居委会|居民委员会|党支部|党总支|党委)?$/, UnitKind.Village],
  [/(居委会|居民委员会)$/, UnitKind.Village],
  [/(镇|乡|街道)(人民政府|政府|办事处|办|党委)?$/, UnitKind.Town],
  [/(局|办|委|办公室|委员会)$/, UnitKind.Bureau],
];
