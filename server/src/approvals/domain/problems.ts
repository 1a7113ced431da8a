import type { ProblemSeverity, TemplateProblem, TemplateProblemCode } from '@lianxin/shared';

/** A template problem; errors unless told otherwise. */
export function problem(
  code: TemplateProblemCode,
  path: string,
  message: string,
  where: { nodeId?: string | null; fieldKey?: string | null; severity?: ProblemSeverity } = {},
): TemplateProblem {
  return { code, severity: where.severity ?? 'error', nodeId: where.nodeId ?? null, fieldKey: where.fieldKey ?? null, path, message };
}

/** True when any problem blocks publishing. */
export function hasErrors(problems: readonly TemplateProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const isNonEmptyString = (v: unknown, max = Infinity): v is string => typeof v === 'string' && v.trim() !== '' && [...v].length <= max;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
