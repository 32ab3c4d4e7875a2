/** Times on the map cards, shown in Asia/Shanghai whatever the machine's zone. */
const formatter = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export function formatHallTime(value: unknown): string {
  if (typeof value !== 'string' || !value) return '—';
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? formatter.format(ms) : '—';
}
