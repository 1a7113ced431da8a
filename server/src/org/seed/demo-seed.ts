import { RoleLabel, UnitKind, type Role } from '@lianxin/shared';
import argon2 from 'argon2';
import { nameKeys } from '../domain/pinyin.js';
import { OrgTree, type Sql } from '../org-tree.repository.js';
import { buildDemoCounty, DEMO_PASSWORD, ROOT_KEY, type DemoCounty } from './demo-county.js';

/** A documented sign-in as shown to people: unit paths spelled out, the root by its name. */
export interface DemoSignInView {
  role: Role;
  name: string;
  phone: string;
  title: string;
  unit: string;
  /** Where the role reaches; empty for staff. */
  scope: string;
}

export interface DemoSeedResult {
  rootName: string;
  bureaus: number;
  offices: number;
  towns: number;
  villages: number;
  members: number;
  grants: number;
  signIns: DemoSignInView[];
  password: string;
  ms: number;
}

export type DemoSeedOutcome = { seeded: true; result: DemoSeedResult } | { seeded: false; reason: string };

/**
 * Writes the demo county under the root unit, inside the caller's transaction, with one statement
 * per table (unnest arrays), so it takes about a second even on embedded PGlite. Refuses (and
 * writes nothing) unless the database is fresh: no unit but the root, no member but the bootstrap
 * administrator. Creates the root, named `rootName`, when there is none yet.
 */
export async function seedDemoCounty(tx: Sql, opts: { rootName: string; county?: DemoCounty }): Promise<DemoSeedOutcome> {
  const started = Date.now();
  // The bootstrap takes the same lock: instances starting together seed once, after the bootstrap.
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['lianxin:bootstrap']);
  const [state] = await tx.query<{ roots: number; units: number; members: number }[]>(
    `SELECT (SELECT count(*) FROM unit WHERE parent_id IS NULL)::int AS roots,
            (SELECT count(*) FROM unit WHERE parent_id IS NOT NULL)::int AS units,
            (SELECT count(*) FROM member)::int AS members`,
  );
  if (state.units > 0 || state.members > 1 || state.roots > 1) {
    return {
      seeded: false,
      reason: `数据库中已有组织数据（${state.roots + state.units} 个单位、${state.members} 名成员），演示县只建在新数据库上（只有根单位和初始管理员）`,
    };
  }

  // Only the documented sign-ins get a password, and they share one hash: argon2id costs ~300 ms a
  // hash by design (on the thread pool, so it overlaps the work below), and the password is
  // published, so a salt per account would protect nothing.
  const hashing = argon2.hash(DEMO_PASSWORD, { type: argon2.argon2id });
  const county = opts.county ?? buildDemoCounty();
  const phones = county.members.map((m) => m.phone);
  const taken = await tx.query<{ phone: string }[]>(`SELECT phone FROM member WHERE phone = ANY($1::text[])`, [phones]);
  if (taken.length > 0) {
    return { seeded: false, reason: `手机号 ${taken[0].phone} 已被现有成员使用，它属于演示号段（100 开头），请给初始管理员换一个号码` };
  }

  let [root] = await tx.query<{ id: string; name: string }[]>(`SELECT id, name FROM unit WHERE parent_id IS NULL`);
  if (!root) {
    const id = await OrgTree.insertUnit(tx, { parentId: null, name: opts.rootName, kind: UnitKind.County });
    root = { id, name: opts.rootName };
  }

  // Ids come from the database, all in one round trip, so every table below is one INSERT.
  const ids = (await tx.query<{ id: string }[]>(`SELECT gen_random_uuid()::text AS id FROM generate_series(1, $1)`, [county.units.length + county.members.length])).map(
    (r) => r.id,
  );
  const unitId = new Map<string, string>([[ROOT_KEY, root.id]]);
  county.units.forEach((u, i) => unitId.set(u.key, ids[i]));
  const memberIds = ids.slice(county.units.length);

  await tx.query(
    `INSERT INTO unit (id, parent_id, name, kind, sort_order)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[])`,
    [
      county.units.map((u) => unitId.get(u.key)),
      county.units.map((u) => unitId.get(u.parentKey)),
      county.units.map((u) => u.name),
      county.units.map((u) => u.kind),
      county.units.map((u) => u.sortOrder),
    ],
  );
  await OrgTree.rebuildClosure(tx);

  const hash = await hashing;
  const hashes = county.members.map((m) => (m.signIn ? hash : null));
  const keys = county.members.map((m) => nameKeys(m.name));
  await tx.query(
    `INSERT INTO member (id, name, phone, title, password_hash, supervisor_id, name_initials, name_pinyin)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[])`,
    [
      memberIds,
      county.members.map((m) => m.name),
      phones,
      county.members.map((m) => m.title),
      hashes,
      county.members.map((m) => (m.supervisor === null ? null : memberIds[m.supervisor])),
      keys.map((k) => k.initials),
      keys.map((k) => k.pinyin),
    ],
  );

  const places = county.members.flatMap((m, i) => m.memberships.map((x) => [memberIds[i], unitId.get(x.unitKey)!, x.isHead, x.isPrimary] as const));
  await tx.query(
    `INSERT INTO membership (member_id, unit_id, is_head, is_primary)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::boolean[], $4::boolean[])`,
    [places.map((r) => r[0]), places.map((r) => r[1]), places.map((r) => r[2]), places.map((r) => r[3])],
  );
  const grants = county.members.flatMap((m, i) => m.grants.map((g) => [memberIds[i], unitId.get(g.unitKey)!, g.role] as const));
  await tx.query(
    `INSERT INTO role_grant (member_id, unit_id, role)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])`,
    [grants.map((g) => g[0]), grants.map((g) => g[1]), grants.map((g) => g[2])],
  );

  const count = (kind: UnitKind) => county.units.filter((u) => u.kind === kind).length;
  return {
    seeded: true,
    result: {
      rootName: root.name,
      bureaus: count(UnitKind.Bureau),
      offices: count(UnitKind.Office),
      towns: count(UnitKind.Town),
      villages: count(UnitKind.Village),
      members: county.members.length,
      grants: grants.length,
      signIns: county.signIns.map((s) => ({
        role: s.role,
        name: s.name,
        phone: s.phone,
        title: s.title,
        unit: s.unitKey === ROOT_KEY ? `${root.name}（县本级）` : s.unitKey.split('/').join(' / '),
        scope: s.scopeKey === null ? '' : s.scopeKey === ROOT_KEY ? `${root.name}（全县）` : s.scopeKey.split('/').join(' / '),
      })),
      password: DEMO_PASSWORD,
      ms: Date.now() - started,
    },
  };
}

/** One line on what was built, for the log and the terminal. */
export function describeDemoSeed(r: DemoSeedResult): string {
  return (
    `演示县已建在「${r.rootName}」下：${r.bureaus} 个局办（${r.offices} 个科室）、${r.towns} 个乡镇/街道、` +
    `${r.villages} 个村/社区、${r.members} 名成员，用时 ${r.ms} ms`
  );
}

/**
 * The sign-in table as people read it in a terminal: one line per role, columns aligned for
 * Chinese text (a CJK character takes two columns).
 */
export function formatSignInTable(r: DemoSeedResult): string {
  const rows = [
    ['角色', '姓名', '手机号', '职务', '所在单位', '授权范围'],
    ...r.signIns.map((s) => [`${RoleLabel[s.role]} ${s.role}`, s.name, s.phone, s.title, s.unit, s.scope || '—（成员身份即可查看本单位）']),
  ];
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u2e80-\uffef]/.test(ch) ? 2 : 1), 0);
  const cols = rows[0].map((_, c) => Math.max(...rows.map((row) => width(row[c]))));
  const line = (row: string[]) => '    ' + row.map((cell, c) => cell + ' '.repeat(cols[c] - width(cell))).join('  ').trimEnd();
  return [
    `  ${describeDemoSeed(r)}`,
    `  演示账号（密码均为 ${r.password}；100 开头是演示号段，不是真实手机号）：`,
    ...rows.map(line),
  ].join('\n');
}
