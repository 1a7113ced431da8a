import { Role, UnitKind } from '@lianxin/shared';
import { DEMO_ADMIN } from '../../config/app-config.js';
import {
  GIVEN_FEMALE_FIRST,
  GIVEN_FEMALE_LAST,
  GIVEN_MALE_FIRST,
  GIVEN_MALE_LAST,
  mulberry32,
  STREET_COMMUNITIES,
  SURNAMES,
  TOWNS,
  VILLAGE_CLAN,
  VILLAGE_LANDFORM,
  VILLAGE_LANDMARK,
  VILLAGE_SLOGAN,
  weightedPicker,
} from './demo-names.js';

/**
 * The demo county as plain data, built from a fixed seed: the same seed gives the same units,
 * names, phones, titles and grants on every run, so a demo, a screenshot or a bug report made on
 * one machine can be reproduced on another. Writing it to the database is `demo-seed.ts`.
 */

/** The seed the demo county is generated from. */
export const DEMO_COUNTY_SEED = 0x1a2b2026;

/** One password for every documented demo sign-in: the embedded demo admin's, so there is one to remember. */
export const DEMO_PASSWORD = DEMO_ADMIN.password;

/**
 * Demo phones are 11 digits starting with 100: no Chinese carrier uses that prefix, so an SMS or
 * voice DING sent by mistake to a demo member reaches nobody. 10000000001–10000000099 are kept for
 * the documented sign-ins; generated members get 10000010000 and up.
 */
export const DEMO_PHONE_PREFIX = '100';

/** The key of the existing root unit (the county); other units are keyed by their name path. */
export const ROOT_KEY = '';

export interface DemoUnit {
  /** Name path below the root, `何家岩镇/何家岩村`: unique, and stable across runs. */
  key: string;
  parentKey: string;
  name: string;
  kind: UnitKind;
  sortOrder: number;
}

export interface DemoMember {
  name: string;
  phone: string;
  title: string;
  memberships: { unitKey: string; isHead: boolean; isPrimary: boolean }[];
  grants: { unitKey: string; role: Role }[];
  /** Index into `members` of the explicit supervisor; null = the head of the member's unit. */
  supervisor: number | null;
  /** Set on the documented sign-ins only: they alone get a password. */
  signIn: Role | null;
}

export interface DemoSignIn {
  role: Role;
  name: string;
  phone: string;
  title: string;
  /** Where the member sits (primary unit), or for the external helper the village they help. */
  unitKey: string;
  /** Where the role is granted; null for staff, whose membership is all they need. */
  scopeKey: string | null;
}

export interface DemoCounty {
  units: DemoUnit[];
  members: DemoMember[];
  signIns: DemoSignIn[];
}

/** The documented sign-ins, one per role, with fixed names and phones (listed in README.md). */
export const SIGN_IN_PHONES: Record<Role, string> = {
  admin: '10000000001',
  leader: '10000000002',
  supervisor: '10000000003',
  auditor: '10000000004',
  approver: '10000000005',
  staff: '10000000006',
  helper: '10000000007',
};
const SIGN_IN_NAMES: Record<Role, string> = {
  admin: '赵文博',
  leader: '王立新',
  supervisor: '陈志刚',
  auditor: '刘晓燕',
  approver: '张海军',
  staff: '李春梅',
  helper: '杨国栋',
};

interface BureauDef {
  name: string;
  headTitle: string;
  deputyTitle: string;
  offices: string[];
  /** A role every member of this bureau holds over the whole county (督查, 审计). */
  countyRole?: Role;
}

/** The county bureaus, each with its 科室. 扶贫开发办公室 … 纪委监委 are the ones the product story needs. */
export const BUREAUS: readonly BureauDef[] = [
  { name: '县政府办公室', headTitle: '县政府办公室主任', deputyTitle: '副主任', offices: ['秘书科', '综合科', '督查室', '信息化科'] },
  { name: '扶贫开发办公室', headTitle: '扶贫开发办公室主任', deputyTitle: '副主任', offices: ['综合科', '项目规划科', '社会扶贫科', '监测帮扶科'] },
  { name: '教育体育局', headTitle: '局长', deputyTitle: '副局长', offices: ['办公室', '基础教育科', '计划财务科'] },
  { name: '财政局', headTitle: '局长', deputyTitle: '副局长', offices: ['办公室', '预算科', '国库科', '农业农村科'] },
  { name: '农业农村局', headTitle: '局长', deputyTitle: '副局长', offices: ['办公室', '产业发展科', '农村经营管理科'] },
  { name: '民政局', headTitle: '局长', deputyTitle: '副局长', offices: ['办公室', '社会救助科', '养老服务科'] },
  { name: '卫生健康局', headTitle: '局长', deputyTitle: '副局长', offices: ['办公室', '医政医管科', '疾病预防控制科'] },
  {
    name: '纪委监委',
    headTitle: '纪委书记、监委主任',
    deputyTitle: '纪委副书记、监委副主任',
    offices: ['办公室', '第一纪检监察室', '第二纪检监察室', '案件审理室'],
    countyRole: Role.Auditor,
  },
  { name: '人力资源和社会保障局', headTitle: '局长', deputyTitle: '副局长', offices: ['办公室', '就业促进科'] },
  { name: '审计局', headTitle: '局长', deputyTitle: '副局长', offices: ['办公室', '财政审计科', '经济责任审计科'], countyRole: Role.Auditor },
  { name: '交通运输局', headTitle: '局长', deputyTitle: '副局长', offices: ['办公室', '建设管理科'] },
  { name: '水利局', headTitle: '局长', deputyTitle: '副局长', offices: ['办公室', '农村水利科'] },
];

const TOWN_STAFF_TITLES = weightedPicker<string>([
  ['科员', 10],
  ['党政办干事', 3],
  ['经济发展办干事', 2],
  ['社会事务办干事', 2],
  ['乡村振兴工作站干事', 3],
  ['综治中心干事', 1],
  ['便民服务中心工作人员', 2],
  ['财政所会计', 1],
]);
const HELPER_TITLES = weightedPicker<string>([
  ['帮扶企业负责人', 3],
  ['对口帮扶单位干部', 3],
  ['爱心人士', 2],
  ['商会会员', 1],
  ['志愿者', 2],
]);

/** Builds the demo county. Pure: no clock, no I/O, only the seeded PRNG. */
export function buildDemoCounty(seed = DEMO_COUNTY_SEED): DemoCounty {
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const surname = weightedPicker(SURNAMES);

  const units: DemoUnit[] = [];
  const members: DemoMember[] = [];
  const phones = new Set<string>(Object.values(SIGN_IN_PHONES));

  const unit = (parentKey: string, name: string, kind: UnitKind, sortOrder: number): string => {
    const key = parentKey === ROOT_KEY ? name : `${parentKey}/${name}`;
    units.push({ key, parentKey, name, kind, sortOrder });
    return key;
  };
  const personName = (female = rand() < 0.42): string => {
    const [firsts, lasts] = female ? [GIVEN_FEMALE_FIRST, GIVEN_FEMALE_LAST] : [GIVEN_MALE_FIRST, GIVEN_MALE_LAST];
    const family = surname(rand);
    if (rand() < 0.25) return family + pick(lasts);
    const first = pick(firsts);
    let last = pick(lasts);
    while (last === first) last = pick(lasts);
    return family + first + last;
  };
  const phone = (): string => {
    for (;;) {
      const p = DEMO_PHONE_PREFIX + String(10_000 + Math.floor(rand() * (100_000_000 - 10_000))).padStart(8, '0');
      if (!phones.has(p)) {
        phones.add(p);
        return p;
      }
    }
  };
  /** Adds a member with one primary membership; the documented sign-ins pass their role to get their fixed name and phone. */
  const member = (
    unitKey: string,
    title: string,
    opts: { head?: boolean; female?: boolean; supervisor?: number | null; signIn?: Role } = {},
  ): number => {
    const signIn = opts.signIn ?? null;
    members.push({
      name: signIn ? SIGN_IN_NAMES[signIn] : personName(opts.female),
      phone: signIn ? SIGN_IN_PHONES[signIn] : phone(),
      title,
      memberships: [{ unitKey, isHead: opts.head ?? false, isPrimary: true }],
      grants: [],
      supervisor: opts.supervisor ?? null,
      signIn,
    });
    return members.length - 1;
  };
  const grant = (m: number, unitKey: string, role: Role) => members[m].grants.push({ unitKey, role });

  // 县本级: the county head leads the root; the deputies are county leaders too.
  const countyHead = member(ROOT_KEY, '县长', { head: true });
  grant(countyHead, ROOT_KEY, Role.Leader);
  const deputies = ['常务副县长', '副县长', '副县长', '副县长', '副县长'].map((title, i) =>
    member(ROOT_KEY, title, i === 1 ? { signIn: Role.Leader } : {}),
  );
  for (const d of deputies) grant(d, ROOT_KEY, Role.Leader);

  // 局办: head (approver over the bureau, reporting to the deputy county head in charge), deputies, 科室.
  const bureauHeads = new Map<string, number>();
  BUREAUS.forEach((b, bi) => {
    const bureau = unit(ROOT_KEY, b.name, UnitKind.Bureau, bi);
    const inBureau: number[] = [];
    const head = member(bureau, b.headTitle, {
      head: true,
      supervisor: deputies[bi % deputies.length],
      signIn: b.name === '扶贫开发办公室' ? Role.Approver : undefined,
    });
    grant(head, bureau, Role.Approver);
    bureauHeads.set(bureau, head);
    inBureau.push(head);
    for (let i = int(1, 2); i > 0; i--) inBureau.push(member(bureau, b.deputyTitle));
    b.offices.forEach((o, oi) => {
      const office = unit(bureau, o, UnitKind.Office, oi);
      const isRoom = o.endsWith('室');
      const headTitle = isRoom ? `${o}主任` : '科长';
      const officeHead = member(office, headTitle, {
        head: true,
        signIn: o === '督查室' && b.name === '县政府办公室' ? Role.Supervisor : o === '第一纪检监察室' ? Role.Auditor : undefined,
      });
      const inOffice = [officeHead];
      if (rand() < 0.5) inOffice.push(member(office, isRoom ? `${o}副主任` : '副科长'));
      if (o === '信息化科') {
        // The county's system administrators sit in the information office.
        const admin = member(office, '科员', { signIn: Role.Admin });
        grant(admin, ROOT_KEY, Role.Admin);
        grant(officeHead, ROOT_KEY, Role.Admin);
        inOffice.push(admin);
      }
      for (let i = int(3, 7); i > 0; i--) inOffice.push(member(office, '科员'));
      // 督查室 spot-checks the whole county.
      if (o === '督查室') for (const m of inOffice) grant(m, ROOT_KEY, Role.Supervisor);
      inBureau.push(...inOffice);
    });
    if (b.countyRole) for (const m of inBureau) grant(m, ROOT_KEY, b.countyRole);
  });
  const bureauKeys = [...bureauHeads.keys()];

  // 乡镇/街道: 党委书记 (reporting to the deputy county head who 包联 the town), 镇长 as head and approver, team, staff.
  const villageUnits: string[] = [];
  const usedVillageNames = new Set<string>(TOWNS.map((t) => `${t.stem}村`));
  const villageName = (): string => {
    for (;;) {
      const x = rand();
      const place = pick(x < 0.5 ? VILLAGE_CLAN : VILLAGE_LANDMARK);
      const landform = pick(VILLAGE_LANDFORM);
      const name = x < 0.1 ? `${pick(VILLAGE_SLOGAN)}村` : `${place}${landform}村`;
      if (!place.endsWith(landform) && !usedVillageNames.has(name)) {
        usedVillageNames.add(name);
        return name;
      }
    }
  };
  let villageIndex = 0;
  TOWNS.forEach((t, ti) => {
    const street = t.name.endsWith('街道');
    const town = unit(ROOT_KEY, t.name, UnitKind.Town, BUREAUS.length + ti);
    member(town, street ? '党工委书记' : '党委书记', { supervisor: deputies[ti % deputies.length] });
    const townHead = member(town, street ? '街道办事处主任' : '镇长', { head: true });
    grant(townHead, town, Role.Approver);
    member(town, street ? '党工委副书记' : '党委副书记');
    for (let i = int(2, 3); i > 0; i--) member(town, street ? '街道办事处副主任' : '副镇长');
    member(town, street ? '人大工委主任' : '人大主席');
    const discipline = member(town, street ? '纪工委书记' : '纪委书记');
    // Every third town has its own 督查: the town's discipline secretary.
    if (ti % 3 === 0) grant(discipline, town, Role.Supervisor);
    member(town, '武装部长');
    for (let i = int(24, 38); i > 0; i--) member(town, TOWN_STAFF_TITLES(rand));

    // 村/社区: the 街道 has residents' committees first; every town's seat village carries its name.
    const names = street ? [...STREET_COMMUNITIES] : [`${t.stem}村`];
    while (names.length < t.villages) names.push(villageName());
    names.forEach((name, vi) => {
      const community = name.endsWith('社区');
      const village = unit(town, name, UnitKind.Village, vi);
      villageUnits.push(village);
      const combined = rand() < 0.35; // 书记、主任一肩挑
      const secretaryTitle = community ? (combined ? '社区书记兼主任' : '社区书记') : combined ? '村支书兼村主任' : '村支书';
      const secretary = member(village, secretaryTitle, { head: true });
      const chair = combined ? secretary : member(village, community ? '社区主任' : '村主任');
      member(village, community ? '社区文书' : '文书');
      member(village, community ? '社区监委会主任' : '村监委会主任');
      if (rand() < 0.6) member(village, community ? '社区妇联主席' : '村妇联主席', { female: true });
      const [lo, hi] = community ? [2, 5] : [3, 8];
      for (let i = int(lo, hi); i > 0; i--) member(village, community ? '网格员' : '村民小组长', { supervisor: chair === secretary ? null : chair });

      // 驻村工作队: sent by a bureau (a second membership there), led by the 第一书记.
      const bureau = bureauKeys[villageIndex % bureauKeys.length];
      const firstSecretary = member(village, '驻村第一书记', { supervisor: bureauHeads.get(bureau)! });
      const team = [firstSecretary];
      const isStaffSignIn = name === '何家岩村';
      for (let i = int(1, 2); i > 0; i--) {
        team.push(member(village, '驻村工作队员', { supervisor: firstSecretary, signIn: isStaffSignIn && team.length === 1 ? Role.Staff : undefined }));
      }
      for (const m of team) members[m].memberships.push({ unitKey: bureau, isHead: false, isPrimary: false });
      villageIndex++;
    });
  });

  // 帮扶力量: external people who help one village. No membership: they are not in the org chart
  // and must not receive internal notices or see members; the helper grant is all they have.
  const helperVillage = villageUnits.find((k) => k.endsWith('/何家岩村'))!;
  const helper = (villageKey: string, signIn?: Role) => {
    const title = signIn ? '帮扶企业负责人' : HELPER_TITLES(rand);
    members.push({
      name: signIn ? SIGN_IN_NAMES[signIn] : personName(),
      phone: signIn ? SIGN_IN_PHONES[signIn] : phone(),
      title,
      memberships: [],
      grants: [{ unitKey: villageKey, role: Role.Helper }],
      supervisor: null,
      signIn: signIn ?? null,
    });
  };
  helper(helperVillage, Role.Helper);
  for (let i = 0; i < 23; i++) helper(pick(villageUnits));

  return { units, members, signIns: signInsOf(members) };
}

function signInsOf(members: DemoMember[]): DemoSignIn[] {
  const order = Object.keys(SIGN_IN_PHONES) as Role[];
  return members
    .filter((m) => m.signIn)
    .sort((a, b) => order.indexOf(a.signIn!) - order.indexOf(b.signIn!))
    .map((m) => {
      const role = m.signIn!;
      const granted = m.grants.find((g) => g.role === role);
      const primary = m.memberships.find((ms) => ms.isPrimary);
      return { role, name: m.name, phone: m.phone, title: m.title, unitKey: primary?.unitKey ?? granted!.unitKey, scopeKey: granted?.unitKey ?? null };
    });
}
