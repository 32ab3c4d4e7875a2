/** Only in-app paths are followed after login (no `//host`, no absolute URLs, not /login again). */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/login') ? value : '/';
}
