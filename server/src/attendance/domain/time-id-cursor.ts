import { ErrorCode } from '@lianxin/shared';
import { decodeCursor } from '../../common/cursor.js';
import { DomainError } from '../../common/domain-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A (timestamp, id) keyset cursor, checked down to its values: a cursor of the right shape holding
 * something that is not an instant or not a uuid is a 400, not a database error.
 */
export function decodeTimeIdCursor(cursor: string): [Date, string] {
  const [at, id] = decodeCursor(cursor, ['string', 'string'] as const)!;
  const when = new Date(at);
  if (Number.isNaN(when.getTime()) || !UUID.test(id)) {
    throw new DomainError(ErrorCode.ValidationFailed, 'cursor 无效：请从第一页重新开始', [{ path: 'cursor', message: 'cursor 无效' }]);
  }
  return [when, id];
}
