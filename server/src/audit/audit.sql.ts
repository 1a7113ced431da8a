/**
 * The hashes of domain/chain.ts, as SQL over the columns of a row (`approval_event` or
 * `audit_anchor`, or anything with the same column names and types). Appending computes them in the
 * INSERT and verification recomputes them with the very same text, so the two cannot drift.
 *
 * `eventJsonSql` spells out `jsonb_build_object('instanceId', …, 'createdAt', …)::text` by
 * concatenation, keys already in jsonb order (seq, data, type, actor, nodeId, createdAt,
 * instanceId; id, name, title, unitId, unitName): it gives the same text several times faster.
 * The e2e tests check it against canonicalJson and against jsonb_build_object.
 */

export const ZERO_HASH_SQL = `'${'0'.repeat(64)}'`;

/** A nullable text column as a JSON string or null. */
const jsonText = (col: string) => `coalesce(to_json(${col}::text)::text, 'null')`;

/** The canonical JSON text of the event in row `e` (see domain/chain.ts). */
export function eventJsonSql(e: string): string {
  const actor =
    `CASE WHEN ${e}.actor_id IS NULL THEN 'null' ELSE ` +
    `'{"id": "' || ${e}.actor_id || '", "name": ' || ${jsonText(`${e}.actor_name`)} || ', "title": ' || ${jsonText(`${e}.actor_title`)} || ` +
    `', "unitId": ' || coalesce('"' || ${e}.actor_unit_id || '"', 'null') || ', "unitName": ' || ${jsonText(`${e}.actor_unit_name`)} || '}' END`;
  return (
    `'{"seq": ' || ${e}.seq || ', "data": ' || ${e}.data::text || ', "type": ' || to_json(${e}.type::text)::text || ', "actor": ' || ${actor} || ` +
    `', "nodeId": ' || ${jsonText(`${e}.node_id`)} || ', "createdAt": "' || to_char(${e}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ` +
    `'", "instanceId": "' || ${e}.instance_id || '"}'`
  );
}

/** sha256(prev_hash ‖ canonical JSON) of the event in row `e`, hex. */
export function eventHashSql(e: string): string {
  return `encode(sha256(convert_to(${e}.prev_hash || ${eventJsonSql(e)}, 'UTF8')), 'hex')`;
}

/** sha256(prev_hash ‖ instance_id ‖ seq ‖ instance_hash) of the anchor in row `a`, hex. */
export function anchorHashSql(a: string): string {
  return `encode(sha256(convert_to(${a}.prev_hash || ${a}.instance_id || ${a}.seq || ${a}.instance_hash, 'UTF8')), 'hex')`;
}

/** Ties every anchoring pass and checkpoint together, across server instances (pg_advisory_xact_lock). */
export const ANCHOR_LOCK_KEY = 0x6c78_6175; // 'lxau'
