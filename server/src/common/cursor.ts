import { ErrorCode } from '@lianxin/shared';
import { DomainError } from './domain-error.js';

/**
 * Opaque keyset cursors: the sort key of the last row of a page, as base64url JSON. Lists continue
 * with `WHERE (keys) > (cursor)`, so pages stay stable while rows are added and cost the same deep down.
 */
export function encodeCursor(key: readonly (string | number | boolean)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor with the given element types; anything else is a 400. */
export function decodeCursor<T extends readonly ('string' | 'number' | 'boolean')[]>(
  cursor: string | undefined,
  shape: T,
): { [K in keyof T]: T[K] extends 'string' ? string : T[K] extends 'number' ? number : boolean } | null {
  if (!cursor) return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((v, i) => typeof v !== shape[i])) {
    throw new DomainError(ErrorCode.ValidationFailed, 'cursor 无效：请从第一页重新开始', [{ path: 'cursor', message: 'cursor 无效' }]);
  }
  return key as never;
}
