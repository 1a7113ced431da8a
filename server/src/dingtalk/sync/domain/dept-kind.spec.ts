import { kindFromDeptName } from './dept-kind.js';

describe('kindFromDeptName', () => {
  it.each([
    ['县教育局', 'bureau'],
    ['县政府办', 'bureau'],
    ['县政府办公室', 'bureau'],
    ['县卫健委', 'bureau'],
    ['县委', 'bureau'],
    ['乡村振兴局', 'bureau'],
    ['城关镇', 'town'],
    ['石门乡', 'town'],
    ['东门街道', 'town'],
    ['东门街道办事处', 'town'],
    ['城关镇人民政府', 'town'],
    ['城关镇（筹）', 'town'],
    ['东风村', 'village'],
    ['东风村委会', 'village'],
    ['城南社区', 'village'],
    ['城南社区居委会', 'village'],
    ['东风村党支部', 'village'],
    ['人事股', 'office'],
    ['财政所', 'office'],
    ['综合科', 'office'],
    ['城关镇财政所', 'office'],
    ['', 'office'],
  ])('%s → %s', (name, kind) => {
    expect(kindFromDeptName(name)).toBe(kind);
  });
});
