/** How an event reads to a person (the 说明 column of exports), from its type and data. */
import { AuditEventTypeLabel, type AuditEventType } from '@lianxin/shared';

const TARGETS: Record<string, string> = { transfer: '转交给', addSigner: '加签', urge: '催办', cc: '抄送', admin: '转交给' };
const RESULT: Record<string, string> = { approved: '通过', rejected: '拒绝', withdrawn: '撤销', returned: '退回' };
const KNOWN = new Set(['comment', 'approvers', 'rule', 'nodeName', 'targets', 'formBefore', 'formAfter', 'result', 'reason', 'instance']);
const MAX = 1000;

export function typeLabel(type: string): string {
  return AuditEventTypeLabel[type as AuditEventType] ?? type;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');
const names = (v: unknown): string =>
  Array.isArray(v) ? v.map((p) => (p && typeof p === 'object' && 'name' in p ? text((p as { name: unknown }).name) : text(p))).join('、') : text(v);

/** Which form fields changed, before → after. */
function formChange(before: unknown, after: unknown): string {
  const b = before && typeof before === 'object' ? (before as Record<string, unknown>) : {};
  const a = after && typeof after === 'object' ? (after as Record<string, unknown>) : {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
  return keys.map((k) => `${k}：${b[k] === undefined ? '（空）' : text(b[k])} → ${a[k] === undefined ? '（空）' : text(a[k])}`).join('，');
}

export function describeEvent(type: string, data: Record<string, unknown> | null, nodeId: string | null): string {
  const d = data ?? {};
  const parts: string[] = [];
  if (d.nodeName || nodeId) parts.push(`节点：${text(d.nodeName ?? nodeId)}`);
  if (Array.isArray(d.approvers)) parts.push(`审批人：${names(d.approvers) || '（无）'}`);
  if (d.rule) parts.push(`规则：${text(d.rule)}`);
  if (Array.isArray(d.targets) && d.targets.length) parts.push(`${TARGETS[type] ?? '涉及'}：${names(d.targets)}`);
  if (d.comment) parts.push(`意见：${text(d.comment)}`);
  if (d.formBefore !== undefined || d.formAfter !== undefined) {
    const change = formChange(d.formBefore, d.formAfter);
    if (change) parts.push(`表单修改：${change}`);
  }
  if (d.result) parts.push(`结果：${RESULT[text(d.result)] ?? text(d.result)}`);
  if (d.reason) parts.push(`原因：${text(d.reason)}`);
  for (const [k, v] of Object.entries(d)) if (!KNOWN.has(k) && v !== null && v !== undefined) parts.push(`${k}：${text(v)}`);
  const out = parts.join('；');
  return out.length > MAX ? `${out.slice(0, MAX)}…` : out;
}
