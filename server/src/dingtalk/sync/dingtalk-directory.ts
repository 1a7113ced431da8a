import { Injectable } from '@nestjs/common';
import { RateLimiter } from '../../common/rate-limiter.js';
import { DingTalkClient } from '../dingtalk.client.js';
import { DingTalkApiError, ERRCODE_USER_NOT_FOUND } from '../dingtalk.errors.js';
import { deptFromApi, mergeListings, ROOT_DEPT_ID, userFromDetail, userFromListing, type DirDept, type DirUser } from './domain/directory.js';

export const LISTSUB = '/topapi/v2/department/listsub';
export const DEPT_GET = '/topapi/v2/department/get';
export const USER_LIST = '/topapi/v2/user/list';
export const USER_GET = '/topapi/v2/user/get';

/** 部门不存在 (§2.15). */
const ERRCODE_DEPT_NOT_FOUND = 60003;
/** user/list page size: the largest that is commonly used (§2.8). */
const PAGE_SIZE = 100;
/** Calls in flight at once while walking the directory. */
const PARALLEL = 4;
/** Starts per API per second: below DingTalk's 20 QPS per app and API (§2.0), with room for other callers. */
const PER_API_PER_SECOND = 18;
/** Deeper than any real org chart; stops a walk that would never end on inconsistent data. */
const MAX_DEPTH = 30;

/**
 * Reads DingTalk's contacts through the shared client (token, refresh and busy retries are its
 * business): the department tree, the users of departments, one user or department. Each API is
 * paced below its QPS limit, so a big directory does not run into 90018.
 */
@Injectable()
export class DingTalkDirectory {
  private readonly limiter = new RateLimiter();

  constructor(private readonly client: DingTalkClient) {}

  /**
   * The whole directory: every department below the root (listsub level by level from dept 1,
   * parents before children) and every user, each once. Users of a department are listed as soon
   * as the department is found; the two APIs have separate limits, so the walks run side by side.
   */
  async snapshot(): Promise<{ depts: DirDept[]; users: DirUser[] }> {
    let failure: unknown = null;
    const jobs: Array<Promise<DirUser[]>> = [];
    const listUsers = (deptId: string) =>
      jobs.push(
        this.usersOf(deptId, () => failure !== null).catch((err: unknown) => {
          failure ??= err;
          return [];
        }),
      );
    listUsers(ROOT_DEPT_ID);
    let depts: DirDept[] = [];
    try {
      depts = await this.departments((d) => listUsers(d.deptId), () => failure !== null);
    } catch (err) {
      failure ??= err;
    }
    const perDept = await Promise.all(jobs);
    if (failure !== null) throw failure;
    return { depts, users: mergeListings(perDept.flat()) };
  }

  private async departments(found: (d: DirDept) => void, stop: () => boolean): Promise<DirDept[]> {
    const all: DirDept[] = [];
    const seen = new Set<string>([ROOT_DEPT_ID]);
    let level = [ROOT_DEPT_ID];
    for (let depth = 0; level.length > 0 && depth < MAX_DEPTH && !stop(); depth++) {
      const children = await mapLimit(level, PARALLEL, async (parent) => {
        const body = await this.call(LISTSUB, { dept_id: idParam(parent), language: 'zh_CN' });
        return (Array.isArray(body.result) ? body.result : []).map((raw) => ({ ...deptFromApi(raw), parentId: parent }));
      });
      level = [];
      for (const d of children.flat()) {
        if (seen.has(d.deptId)) continue;
        seen.add(d.deptId);
        all.push(d);
        level.push(d.deptId);
        found(d);
      }
    }
    return all;
  }

  /** Users directly in one department (sub-departments not included), paging user/list by cursor. */
  private async usersOf(deptId: string, stop: () => boolean): Promise<DirUser[]> {
    const out: DirUser[] = [];
    for (let cursor = 0, page = 0; !stop(); page++) {
      const body = await this.call(USER_LIST, { dept_id: idParam(deptId), cursor, size: PAGE_SIZE, order_field: 'custom', contain_access_limit: false, language: 'zh_CN' });
      const result = (body.result ?? {}) as { has_more?: unknown; next_cursor?: unknown; list?: unknown };
      for (const raw of Array.isArray(result.list) ? result.list : []) out.push(userFromListing(raw, deptId));
      const next = Number(result.next_cursor);
      if (!(result.has_more === true || result.has_more === 'true') || !Number.isSafeInteger(next) || next <= cursor || page > 10_000) break;
      cursor = next;
    }
    return out;
  }

  /** One user's detail; null when DingTalk no longer knows them (left). */
  async user(userid: string): Promise<DirUser | null> {
    try {
      return userFromDetail((await this.call(USER_GET, { userid, language: 'zh_CN' })).result);
    } catch (err) {
      if (err instanceof DingTalkApiError && ERRCODE_USER_NOT_FOUND.has(Number(err.errcode))) return null;
      throw err;
    }
  }

  /** Several users' details, a few at a time: those DingTalk knows, and the userids it no longer knows. */
  async usersById(userids: string[]): Promise<{ users: DirUser[]; gone: string[] }> {
    const found = await mapLimit(userids, PARALLEL, (id) => this.user(id));
    return { users: found.filter((u): u is DirUser => u !== null), gone: userids.filter((_, i) => found[i] === null) };
  }

  /** One department; null when it no longer exists. */
  async dept(deptId: string): Promise<DirDept | null> {
    try {
      return deptFromApi((await this.call(DEPT_GET, { dept_id: idParam(deptId), language: 'zh_CN' })).result);
    } catch (err) {
      if (err instanceof DingTalkApiError && Number(err.errcode) === ERRCODE_DEPT_NOT_FOUND) return null;
      throw err;
    }
  }

  /** A department and all its ancestors below the root, nearest first; null when the department is gone. */
  async deptWithAncestors(deptId: string): Promise<DirDept[] | null> {
    const chain: DirDept[] = [];
    const seen = new Set<string>();
    for (let id = deptId; id !== ROOT_DEPT_ID && !seen.has(id) && chain.length < MAX_DEPTH; id = chain[chain.length - 1].parentId) {
      seen.add(id);
      const d = await this.dept(id);
      if (!d) return chain.length === 0 ? null : chain; // an ancestor vanished meanwhile: the rest goes under the root
      chain.push(d);
    }
    return chain;
  }

  private async call(path: string, payload: Record<string, unknown>) {
    await this.limiter.take(path, PER_API_PER_SECOND);
    return this.client.oapi(path, payload);
  }
}

/** DingTalk takes ids as JSON numbers; one beyond 2^53 goes as a string of digits rather than lose precision. */
const idParam = (id: string): number | string => (Number.isSafeInteger(Number(id)) ? Number(id) : id);

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        out[i] = await fn(items[i]);
      } catch (err) {
        failed = true; // the other workers stop after their current call
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
