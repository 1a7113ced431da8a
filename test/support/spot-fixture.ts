import { randomUUID } from 'node:crypto';
import { Role, UnitKind, type CheckInRequest, type PlaceView } from '@lianxin/shared';
import type request from 'supertest';
import { OrgTree } from '../../server/src/org/org-tree.repository';
import { makeMember, type MadeMember } from './factory';
import { as, type OrgFixture } from './org-fixture';
import type { TestContext } from './test-app';

/**
 * Helpers for the spot-check, meeting sign-in and report tests (attendance-spot-checks,
 * attendance-meeting, attendance-report): a fresh town of its own for each test, so the weekly
 * spot-check cap and earlier answers of one test never reach another; check-ins at or away from a
 * place; polling; and reading binary downloads.
 */

export type Client = Awaited<ReturnType<typeof as>>;
export type Person = MadeMember & { name: string; unitId: string };

export interface SpotTown {
  townId: string;
  villageIds: string[];
  /** The attendance place of each village (and of the town), by unit id. */
  places: Record<string, PlaceView>;
  /** Supervisor (督查) granted at the town, sitting in the town. Not part of any draw: they started it. */
  supervisor: Person;
  /** Everyone else under the town: `perVillage` in each village, in village order. */
  members: Person[];
}

let towns = 0;

/**
 * A town under the root with `villages` villages, `perVillage` people in each, a place for each
 * village (300 m) and one for the town, and a supervisor at the town. The admin creates the places
 * through the API, as an admin would. Each town sits 0.2° from the last, so no two share a fence.
 */
export async function buildSpotTown(
  org: OrgFixture,
  admin: Client,
  label: string,
  opts: { villages?: number; perVillage?: number } = {},
): Promise<SpotTown> {
  const n = ++towns;
  const villages = opts.villages ?? 2;
  const perVillage = opts.perVillage ?? 3;
  const townId = await org.ds.transaction((tx) => OrgTree.insertUnit(tx, { parentId: org.rootId, name: `${label}镇${n}`, kind: UnitKind.Town }));
  const lat0 = 32 + n * 0.2;
  const lng0 = 105 + n * 0.2;
  const places: Record<string, PlaceView> = {};
  const place = async (unitId: string, name: string, lat: number, lng: number) => {
    const res = await admin.post('/api/attendance/places', { unitId, name, kind: 'office', latitude: lat, longitude: lng, radius: 300 });
    if (res.status !== 201) throw new Error(`place ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    places[unitId] = res.body as PlaceView;
  };
  await place(townId, `${label}镇${n}人民政府`, lat0, lng0);
  const villageIds: string[] = [];
  const members: Person[] = [];
  for (let v = 0; v < villages; v++) {
    const vid = await org.ds.transaction((tx) => OrgTree.insertUnit(tx, { parentId: townId, name: `${label}${n}村${v + 1}`, kind: UnitKind.Village }));
    villageIds.push(vid);
    // Villages 0.03° (about 3 km) apart: far outside each other's 300 m fence.
    await place(vid, `${label}${n}村${v + 1}村委会`, lat0 + 0.03 * (v + 1), lng0);
    for (let i = 0; i < perVillage; i++) {
      const name = `${label}${n}-${v + 1}-${i + 1}`;
      members.push({ ...(await makeMember(org.ds, { unitId: vid, name })), name, unitId: vid });
    }
  }
  const supName = `${label}${n}督查`;
  const supervisor = { ...(await org.memberWithRole(Role.Supervisor, townId, supName)), name: supName, unitId: townId };
  return { townId, villageIds, places, supervisor, members };
}

/** A person of the org fixture with their name, to compare with what the API shows. */
export async function person(org: OrgFixture, m: MadeMember): Promise<Person> {
  const [r] = await org.ds.query<{ name: string; unit_id: string }[]>(
    `SELECT m.name, ms.unit_id FROM member m JOIN membership ms ON ms.member_id = m.id AND ms.is_primary WHERE m.id = $1`,
    [m.id],
  );
  return { ...m, name: r.name, unitId: r.unit_id };
}

/** About `metres` north of a place's centre (1° of latitude ≈ 111 km). */
export function near(p: { latitude: number; longitude: number }, metres = 0): { latitude: number; longitude: number } {
  return { latitude: p.latitude + metres / 111_000, longitude: p.longitude };
}

/** A check-in as the phone sends it (GCJ-02, ±15 m, now, a fresh idempotency key). */
export function checkIn(client: Client, body: Partial<CheckInRequest> & { latitude: number; longitude: number; kind: CheckInRequest['kind'] }) {
  const now = new Date().toISOString();
  return client.post('/api/attendance/check-ins', { accuracy: 15, coordSystem: 'gcj02', clientAt: now, idempotencyKey: randomUUID(), ...body });
}

/** Signs in everyone given, in parallel. */
export async function clients<T extends MadeMember>(ctx: TestContext, people: T[]): Promise<Client[]> {
  return Promise.all(people.map((p) => as(ctx, p)));
}

/** Polls until `ok` holds or the time is up, and returns the last value (the caller asserts on it). */
export async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000, everyMs = 150): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The raw bytes of a download (xlsx, csv), whatever its content type. */
export function binary(req: request.Test): Promise<request.Response & { body: Buffer }> {
  return req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  }) as unknown as Promise<request.Response & { body: Buffer }>;
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF), without the BOM. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      // CRLF: the \n ends the row
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export const uuid = randomUUID;
