import { createHash } from 'node:crypto';
import { idList, parseJsonExact } from './directory.js';

/** The org-change events the sync applies (§4.1). */
export const ORG_EVENT_TYPES = ['user_add_org', 'user_modify_org', 'user_leave_org', 'org_dept_create', 'org_dept_modify', 'org_dept_remove'] as const;
export type OrgEventType = (typeof ORG_EVENT_TYPES)[number];

export type CallbackEvent =
  | { kind: 'check_url' }
  | { kind: 'org'; id: string; type: OrgEventType; userIds: string[]; deptIds: string[] }
  | { kind: 'other'; type: string };

export class EventPayloadError extends Error {
  override name = 'EventPayloadError';
}

/**
 * Reads a decrypted push. The envelope keys are taken in both spellings DingTalk has used
 * (`eventId`/`EventId`, `userId`/`UserId`, `deptId`/`DeptId`). A push without an event id is
 * keyed by the hash of its plaintext, so a byte-identical redelivery is still recognised.
 */
export function parseCallbackEvent(plain: string): CallbackEvent {
  let raw: unknown;
  try {
    raw = parseJsonExact(plain);
  } catch {
    throw new EventPayloadError('the decrypted message is not JSON');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new EventPayloadError('the decrypted message is not a JSON object');
  const r = raw as Record<string, unknown>;
  const type = r.EventType ?? r.eventType;
  if (typeof type !== 'string' || !type) throw new EventPayloadError('the message has no EventType');
  if (type === 'check_url') return { kind: 'check_url' };
  if (!(ORG_EVENT_TYPES as readonly string[]).includes(type)) return { kind: 'other', type };
  const given = r.eventId ?? r.EventId ?? r.event_id;
  const id = typeof given === 'string' && given.trim() ? given.trim().slice(0, 100) : `sha1:${createHash('sha1').update(plain, 'utf8').digest('hex')}`;
  try {
    return {
      kind: 'org',
      id,
      type: type as OrgEventType,
      userIds: stringList(r.userId ?? r.UserId),
      deptIds: idList(r.deptId ?? r.DeptId, 'deptId'),
    };
  } catch (err) {
    throw new EventPayloadError((err as Error).message);
  }
}

function stringList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return [...new Set(list.filter((x): x is string | number => (typeof x === 'string' && x.trim() !== '') || typeof x === 'number').map((x) => String(x).trim()))];
}
