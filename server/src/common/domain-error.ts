import type { ErrorCode, FieldError } from '@lianxin/shared';

/** A failure the caller can act on. Thrown by services and domain code; turned into problem+json by ProblemFilter. */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(`${code}: ${detail}`);
  }
}
