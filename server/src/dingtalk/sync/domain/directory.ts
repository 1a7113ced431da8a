/**
 * DingTalk contacts records as the sync uses them. Ids are decimal strings end to end (DingTalk
 * department ids can exceed 2^53); fields are read leniently, as the reference (§2.0) warns that
 * documented samples show `"true"`, `"0"` and `"[2,3,4]"` where real answers carry JSON values.
 */

/** A department below the root. The root department is always '1' and maps to our root unit. */
export interface DirDept {
  deptId: string;
  parentId: string;
  name: string;
}

export interface DirUser {
  userid: string;
  name: string;
  /** Null when DingTalk did not give one (hidden, or no phone-number permission): such users are not created. */
  mobile: string | null;
  title: string | null;
  /** DingTalk's order: the first is the main department. */
  deptIds: string[];
  /** Departments where the user is the head (主管). */
  leaderIn: string[];
}

export const ROOT_DEPT_ID = '1';

/** A record DingTalk answered that the sync cannot use safely (an id past 2^53, a missing userid). */
export class DirectoryDataError extends Error {
  override name = 'DirectoryDataError';
}

/** A DingTalk id as a decimal string: from a string of digits, or a number that is still exact. */
export function idString(v: unknown, what: string): string {
  if (typeof v === 'string' && /^\d{1,32}$/.test(v.trim())) return v.trim().replace(/^0+(?=\d)/, '');
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  if (typeof v === 'bigint' && v >= 0n) return v.toString();
  if (typeof v === 'number') throw new DirectoryDataError(`${what} ${v} exceeds 2^53 and lost its exact value in JSON parsing`);
  throw new DirectoryDataError(`${what} is not an id: ${JSON.stringify(v)}`);
}

/** An id list from a JSON array or the doc-style string "[2,3,4]". */
export function idList(v: unknown, what: string): string[] {
  if (v === undefined || v === null || v === '') return [];
  if (typeof v === 'string') {
    const inner = v.trim().replace(/^\[|\]$/g, '').trim();
    return inner ? inner.split(',').map((s) => idString(s.trim().replace(/^"|"$/g, ''), what)) : [];
  }
  if (Array.isArray(v)) return v.map((x) => idString(x, what));
  return [idString(v, what)];
}

export const truthy = (v: unknown): boolean => v === true || v === 'true' || v === 1 || v === '1';

const text = (v: unknown): string | null => {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const s = String(v).trim();
  return s === '' ? null : s;
};

/** One item of `department/listsub` or the result of `department/get`. */
export function deptFromApi(raw: unknown): DirDept {
  const r = (raw ?? {}) as Record<string, unknown>;
  const deptId = idString(r.dept_id, 'dept_id');
  const parentId = r.parent_id === undefined || r.parent_id === null ? ROOT_DEPT_ID : idString(r.parent_id, 'parent_id');
  return { deptId, parentId, name: text(r.name) ?? `部门${deptId}` };
}

/** One item of `user/list` for department `listedIn` (its `leader` flag is about that department). */
export function userFromListing(raw: unknown, listedIn: string): DirUser {
  const r = (raw ?? {}) as Record<string, unknown>;
  const base = userBase(r);
  const deptIds = idList(r.dept_id_list, 'dept_id_list');
  return { ...base, deptIds: deptIds.includes(listedIn) ? deptIds : [...deptIds, listedIn], leaderIn: truthy(r.leader) ? [listedIn] : [] };
}

/** The result of `user/get` (§2.6): `leader_in_dept` names the departments the user heads. */
export function userFromDetail(raw: unknown): DirUser {
  const r = (raw ?? {}) as Record<string, unknown>;
  const leaders = Array.isArray(r.leader_in_dept) ? (r.leader_in_dept as Array<Record<string, unknown>>) : [];
  return {
    ...userBase(r),
    deptIds: idList(r.dept_id_list, 'dept_id_list'),
    leaderIn: leaders.filter((l) => truthy(l?.leader)).map((l) => idString(l.dept_id, 'leader_in_dept.dept_id')),
  };
}

function userBase(r: Record<string, unknown>): Pick<DirUser, 'userid' | 'name' | 'mobile' | 'title'> {
  const userid = text(r.userid);
  if (!userid) throw new DirectoryDataError('a user without userid');
  return { userid, name: text(r.name) ?? userid, mobile: text(r.mobile), title: text(r.title) };
}

/**
 * Users seen in several department listings, merged into one record each: the department list
 * from the record itself, the head flags from every listing. First-seen order is kept.
 */
export function mergeListings(listings: DirUser[]): DirUser[] {
  const byId = new Map<string, DirUser>();
  for (const u of listings) {
    const seen = byId.get(u.userid);
    if (!seen) {
      byId.set(u.userid, { ...u, deptIds: [...u.deptIds], leaderIn: [...u.leaderIn] });
      continue;
    }
    for (const d of u.deptIds) if (!seen.deptIds.includes(d)) seen.deptIds.push(d);
    for (const d of u.leaderIn) if (!seen.leaderIn.includes(d)) seen.leaderIn.push(d);
  }
  return [...byId.values()];
}

/**
 * JSON.parse that keeps integers beyond 2^53 exact, as strings (for event payloads we parse
 * ourselves: `deptId` values come from DingTalk's 64-bit ids).
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, (_key: string, value: unknown, ctx?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value) && ctx?.source && /^-?\d+$/.test(ctx.source) ? ctx.source : value,
  );
}
