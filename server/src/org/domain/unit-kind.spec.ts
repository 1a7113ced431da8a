import { UnitKind } from '@lianxin/shared';
import { inferUnitKind } from './unit-kind.js';

const root = { isRoot: true, kind: UnitKind.County };
const under = (kind: UnitKind) => ({ isRoot: false, kind });

describe('inferUnitKind', () => {
  it.each([
    ['五郎坪村', root, UnitKind.Village],
    ['东关社区', under(UnitKind.Town), UnitKind.Village],
    ['五郎坪村村委会', under(UnitKind.Town), UnitKind.Village],
    ['兴州街道', root, UnitKind.Town],
    ['兴州街道办事处', root, UnitKind.Town],
    ['城关街道办', root, UnitKind.Town],
    ['接官亭镇', root, UnitKind.Town],
    ['白雀寺乡', root, UnitKind.Town],
    ['略阳县', root, UnitKind.County],
    ['略阳县', under(UnitKind.Bureau), UnitKind.County],
    ['县财政局', root, UnitKind.Bureau],
    ['县委办', root, UnitKind.Bureau],
    ['县发改委', root, UnitKind.Bureau],
    ['县委办公室', root, UnitKind.Bureau],
    ['县政务服务中心', root, UnitKind.Bureau],
    ['县委组织部', root, UnitKind.Bureau],
    ['县人民法院', root, UnitKind.Bureau],
    ['财政局', under(UnitKind.County), UnitKind.Bureau],
    ['县卫健委', root, UnitKind.Bureau],
    ['城关镇人民政府', root, UnitKind.Town],
    ['城关镇（筹）', root, UnitKind.Town],
    ['东风村委会', under(UnitKind.Town), UnitKind.Village],
    ['城南社区居委会', under(UnitKind.Town), UnitKind.Village],
    ['东风村党支部', under(UnitKind.Town), UnitKind.Village],
    ['城关镇财政所', under(UnitKind.Town), UnitKind.Office],
  ])('%s → %s', (name, parent, kind) => {
    expect(inferUnitKind(name, parent)).toBe(kind);
  });

  it('makes bureau-like names below a bureau or a town into offices (科室)', () => {
    expect(inferUnitKind('办公室', under(UnitKind.Bureau))).toBe(UnitKind.Office);
    expect(inferUnitKind('党政办', under(UnitKind.Town))).toBe(UnitKind.Office);
    expect(inferUnitKind('预算股', under(UnitKind.Bureau))).toBe(UnitKind.Office);
  });

  it('falls back to office for names it does not recognise, even under the root', () => {
    expect(inferUnitKind('扶贫工作队', root)).toBe(UnitKind.Office);
    expect(inferUnitKind('  ', root)).toBe(UnitKind.Office);
  });

  it('ignores surrounding spaces', () => {
    expect(inferUnitKind(' 五郎坪村 ', root)).toBe(UnitKind.Village);
  });
});
