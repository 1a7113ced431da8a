/**
 * The words of a reminder. Each one names its step and the time, so no two reminders of a day are
 * identical: DingTalk silently drops a work notification whose content repeats to the same person
 * on the same day.
 */
export function reminderText(opts: { title: string; purpose: 'ding' | 'escalation' | 'announce'; step: number | null; target: string; at: Date; extra?: string }): string {
  const hhmm = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(opts.at);
  if (opts.purpose === 'announce') return `【新通知 ${hhmm}】${opts.title}`;
  const what = opts.target === 'unconfirmed' ? '还未回执，请尽快查看并回执' : '还未阅读，请尽快查看';
  const label = opts.purpose === 'escalation' ? `自动提醒·第${opts.step}次` : '提醒';
  return `【${label} ${hhmm}】《${opts.title}》您${what}。${opts.extra ? ` ${opts.extra}` : ''}`.trim();
}

/** A supervisor's reminder: who in their charge has not read. */
export function supervisorText(opts: { title: string; step: number | null; at: Date }): string {
  const hhmm = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(opts.at);
  return `【督办·第${opts.step}次 ${hhmm}】《${opts.title}》您分管的人员中仍有人未阅读，请督促查看。`;
}
