/** 早上好 / 上午好 / 中午好 / 下午好 / 晚上好 by the local hour. */
export function greeting(now: Date = new Date()): string {
  const hour = now.getHours();
  if (hour < 6) return '夜深了';
  if (hour < 9) return '早上好';
  if (hour < 12) return '上午好';
  if (hour < 14) return '中午好';
  if (hour < 18) return '下午好';
  return '晚上好';
}

/** 11月23日 星期一 */
export function dateLabel(now: Date = new Date()): string {
  return `${now.getMonth() + 1}月${now.getDate()}日 星期${'日一二三四五六'[now.getDay()]}`;
}
