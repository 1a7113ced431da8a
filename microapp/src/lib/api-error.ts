import type { ErrorCode, FieldError, Problem } from '@lianxin/shared';

/** Failures that never reached the server or came back unreadable; the server's codes are in ErrorCode. */
export const ClientErrorCode = {
  Network: 'CLIENT_NETWORK',
  Timeout: 'CLIENT_TIMEOUT',
  BadResponse: 'CLIENT_BAD_RESPONSE',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Every failed API call rejects with this. Switch on `code`, never on the text. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ErrorCode | ClientErrorCode;
  /** HTTP status; 0 when there was no answer. */
  readonly status: number;
  readonly detail: string;
  readonly errors: FieldError[];
  readonly traceId: string | undefined;

  constructor(status: number, code: ErrorCode | ClientErrorCode, detail: string, errors: FieldError[] = [], traceId?: string) {
    super(detail);
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = errors;
    this.traceId = traceId;
  }

  static fromProblem(problem: Problem): ApiError {
    return new ApiError(problem.status, problem.code, problem.detail || problem.title, problem.errors ?? [], problem.traceId);
  }

  /** The message of the first field error at `path`, if the server named one. */
  fieldMessage(path: string): string | undefined {
    return this.errors.find((error) => error.path === path)?.message;
  }
}

export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.code === 'string' && typeof candidate.status === 'number';
}
