/**
 * Word lists the demo county is generated from. Kept apart from the generator so the lists can
 * grow without touching the structure; changing a list changes the generated data (the seed is
 * deterministic over these lists, not over time).
 */

/** A seeded PRNG (mulberry32): the same seed gives the same sequence on every machine and Node version. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from a list where each entry carries a weight: `[['王', 7.1], ['李', 7.0], …]`. */
export function weightedPicker<T>(entries: ReadonlyArray<readonly [T, number]>): (rand: () => number) => T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const [, w] of entries) cumulative.push((acc += w / total));
  return (rand) => {
    const x = rand();
    for (let i = 0; i < cumulative.length; i++) if (x < cumulative[i]) return entries[i][0];
    return entries[entries.length - 1][0];
  };
}

/**
 * Common surnames with their share of the population in percent (2020 census order, rounded), so
 * that 王, 李, 张 and 刘 dominate the way they do in any Chinese county's staff list.
 */
export const SURNAMES: ReadonlyArray<readonly [string, number]> = [
  ['王', 7.1], ['李', 7.0], ['张', 6.7], ['刘', 5.4], ['陈', 4.5], ['杨', 3.1], ['赵', 2.2], ['黄', 2.1],
  ['周', 1.2], ['吴', 1.3], ['徐', 1.1], ['孙', 1.0], ['胡', 0.9], ['朱', 0.9], ['高', 0.7], ['林', 0.7],
  ['何', 0.8], ['郭', 0.9], ['马', 1.0], ['罗', 0.7], ['梁', 0.6], ['宋', 0.5], ['郑', 0.6], ['谢', 0.5],
  ['韩', 0.5], ['唐', 0.5], ['冯', 0.5], ['于', 0.4], ['董', 0.4], ['萧', 0.1], ['程', 0.4], ['曹', 0.4],
  ['袁', 0.4], ['邓', 0.4], ['许', 0.4], ['傅', 0.3], ['沈', 0.3], ['曾', 0.3], ['彭', 0.4], ['吕', 0.3],
  ['苏', 0.3], ['卢', 0.3], ['蒋', 0.3], ['蔡', 0.3], ['贾', 0.3], ['丁', 0.3], ['魏', 0.3], ['薛', 0.3],
  ['叶', 0.3], ['阎', 0.2], ['余', 0.3], ['潘', 0.3], ['杜', 0.3], ['戴', 0.2], ['夏', 0.2], ['钟', 0.2],
  ['汪', 0.2], ['田', 0.3], ['任', 0.3], ['姜', 0.2], ['范', 0.2], ['方', 0.2], ['石', 0.2], ['姚', 0.2],
  ['谭', 0.2], ['廖', 0.2], ['邹', 0.2], ['熊', 0.2], ['金', 0.2], ['陆', 0.2], ['郝', 0.2], ['孔', 0.1],
  ['白', 0.2], ['崔', 0.2], ['康', 0.1], ['毛', 0.2], ['邱', 0.2], ['秦', 0.2], ['江', 0.2], ['史', 0.2],
  ['顾', 0.1], ['侯', 0.2], ['邵', 0.1], ['孟', 0.2], ['龙', 0.1], ['万', 0.1], ['段', 0.2], ['雷', 0.2],
  ['钱', 0.1], ['汤', 0.1], ['尹', 0.1], ['黎', 0.1], ['易', 0.1], ['常', 0.1], ['武', 0.1], ['乔', 0.1],
  ['贺', 0.1], ['赖', 0.1], ['龚', 0.1], ['文', 0.1], ['庞', 0.1], ['蒲', 0.1], ['樊', 0.1], ['党', 0.1],
];

/**
 * Given names are built the way parents of the 1960s–1990s built them: a leading character and a
 * trailing one that commonly sit in those places (建 + 军, 秀 + 英), or one trailing character alone.
 * Free combinations of any two characters read as invented; these read as names.
 */
export const GIVEN_MALE_FIRST = [
  '建', '国', '志', '海', '永', '文', '晓', '俊', '德', '明', '红', '卫', '新', '春', '小', '立', '振', '宏',
  '光', '家', '世', '学', '长', '大', '军', '成', '正', '天', '金', '继', '少', '保', '胜', '向', '庆', '鹏',
] as const;
export const GIVEN_MALE_LAST = [
  '军', '华', '强', '涛', '刚', '斌', '明', '杰', '平', '林', '伟', '勇', '峰', '波', '龙', '辉', '东', '亮',
  '成', '民', '生', '荣', '忠', '利', '全', '宁', '宇', '鹏', '飞', '超', '磊', '兵', '武', '祥', '贵', '山',
] as const;
export const GIVEN_FEMALE_FIRST = [
  '秀', '丽', '晓', '春', '玉', '美', '桂', '海', '小', '雪', '丹', '慧', '静', '亚', '金', '红', '彩', '淑',
  '艳', '建', '冬', '月', '佳', '爱', '凤', '翠',
] as const;
export const GIVEN_FEMALE_LAST = [
  '芳', '英', '华', '兰', '梅', '霞', '燕', '娟', '玲', '琴', '萍', '丽', '红', '敏', '洁', '艳', '蓉', '婷',
  '娜', '静', '琳', '莉', '平', '云', '珍', '莎', '莲', '香', '琼', '凤',
] as const;

/**
 * The towns and 街道 of the model county (略阳县, Shaanxi), with how many villages or 社区 each
 * gets (170 in all), and the stem its seat village is named after.
 */
export const TOWNS: ReadonlyArray<{ name: string; villages: number; stem: string }> = [
  { name: '兴州街道', villages: 16, stem: '兴州' },
  { name: '接官亭镇', villages: 12, stem: '接官亭' },
  { name: '两河口镇', villages: 12, stem: '两河口' },
  { name: '金家河镇', villages: 9, stem: '金家河' },
  { name: '徐家坪镇', villages: 11, stem: '徐家坪' },
  { name: '白水江镇', villages: 12, stem: '白水江' },
  { name: '硖口驿镇', villages: 9, stem: '硖口驿' },
  { name: '马蹄湾镇', villages: 8, stem: '马蹄湾' },
  { name: '乐素河镇', villages: 11, stem: '乐素河' },
  { name: '郭镇', villages: 12, stem: '郭镇' },
  { name: '黑河镇', villages: 7, stem: '黑河' },
  { name: '白雀寺镇', villages: 8, stem: '白雀寺' },
  { name: '西淮坝镇', villages: 7, stem: '西淮坝' },
  { name: '五龙洞镇', villages: 9, stem: '五龙洞' },
  { name: '观音寺镇', villages: 10, stem: '观音寺' },
  { name: '仙台坝镇', villages: 8, stem: '仙台坝' },
  { name: '何家岩镇', villages: 9, stem: '何家岩' },
];

/** The urban 街道's residents' committees (社区); the rest of its units are villages. */
export const STREET_COMMUNITIES = ['北关社区', '南关社区', '东渡社区', '嘉陵社区', '象山社区', '江神庙社区'] as const;

/** Village names: a family's place (何家…), a landmark (五郎…, 核桃…), then the landform (…坪, …沟). */
export const VILLAGE_CLAN = [
  '何家', '王家', '张家', '李家', '杨家', '刘家', '陈家', '赵家', '马家', '郭家', '苏家', '罗家', '谢家', '唐家',
  '吴家', '孙家', '冯家', '汪家', '蒲家', '庞家', '范家', '姚家', '田家', '石家', '邓家', '柳家', '鲁家', '窦家',
  '贾家', '左家', '潘家', '侯家', '靳家', '闫家',
] as const;
export const VILLAGE_LANDMARK = [
  '五郎', '白果', '青岗', '石门', '柳树', '核桃', '桑树', '金子', '马鞍', '龙王', '松林', '黄草', '麻柳', '水磨',
  '铁佛', '药木', '天池', '茶店', '大坪', '小河', '双河', '三岔', '九股', '红岩', '黑松', '青龙', '白龙', '花园',
  '庙坝', '骆驼', '狮子', '凤凰', '梨树', '杉树', '竹林', '油坊', '碾子', '板桥', '石板', '长坝', '高庙', '燕子',
  '鹰嘴', '八渡', '横现', '中坝', '上坝', '下坝', '银杏', '杨柳', '椿树', '枫树', '观音', '磨坝', '盐井', '铜钱',
] as const;
export const VILLAGE_LANDFORM = ['坪', '坝', '沟', '河', '湾', '岭', '山', '岩', '垭', '梁', '寨', '院', '口', '嘴', '坡', '营', '店', '铺', '园', '峡'] as const;
/** Villages renamed in the 1950s–70s often carry a slogan instead of a place: 新华村, 光明村. */
export const VILLAGE_SLOGAN = ['新华', '光明', '联合', '团结', '永红', '胜利', '丰收', '红星', '新民', '东风', '和平', '幸福'] as const;
