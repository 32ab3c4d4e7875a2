/**
 * The renderer's Content-Security-Policy, one pure builder for both hosts: the web host (HTTP +
 * socket.io, electron/web-host) and the Electron console (app:// responses and the dev server,
 * electron/main/hardening). Nothing from elsewhere, except the tile and style origins of the
 * basemaps the hall configured (map.basemaps[]) — an operator who adds a tile server means it to
 * be reached. maplibre needs blob: workers and blob:/data: images.
 */
export interface CspOptions {
  /** connect-src sources besides 'self' and the basemap origins (default: the web host's `ws: wss:`). */
  connect?: readonly string[];
  /** Allow data: fonts (the web host does; the Electron console does not). Default true. */
  fontData?: boolean;
  /** Emit `manifest-src 'self'` (the web host serves a manifest). Default true. */
  manifest?: boolean;
  /** Origins a wall's web region may frame (config wall.webAllowlist); none: no frame-src at all. */
  frames?: readonly string[];
}

/** scheme://host[:port] of each allowlisted page URL (the CSP admits origins, not paths). */
export function frameOrigins(urls: readonly string[]): string[] {
  return [...new Set(urls.map((u) => new URL(u).origin))];
}

export function contentSecurityPolicy(extraOrigins: readonly string[] = [], options: CspOptions = {}): string {
  const extra = extraOrigins.length > 0 ? ` ${extraOrigins.join(' ')}` : '';
  const connect = (options.connect ?? ['ws:', 'wss:']).map((source) => ` ${source}`).join('');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${extra}`,
    `font-src 'self'${options.fontData === false ? '' : ' data:'}`,
    `connect-src 'self'${connect}${extra}`,
    "worker-src 'self' blob:",
    "media-src 'self' blob:",
    ...(options.manifest === false ? [] : ["manifest-src 'self'"]),
    ...(options.frames?.length ? [`frame-src ${options.frames.join(' ')}`] : []),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Origins of configured basemaps (scheme://host[:port]; `{s}` subdomain templates become a
 * wildcard). For a style URL only the style's own origin is admitted: its tiles and sprite must be
 * served from there (glyphs are never fetched: text is drawn with local fonts).
 */
export function basemapOrigins(urls: readonly string[]): string[] {
  const origins = new Set<string>();
  for (const url of urls) {
    // pmtiles://https://… names the archive's own http(s) URL; local archives (file paths) are
    // served by the console itself and need no origin.
    const match = /^(?:pmtiles:\/\/)?(https?):\/\/([^/?#]+)/i.exec(url.replace(/\{s\}/g, '*'));
    if (match) origins.add(`${match[1]!.toLowerCase()}://${match[2]!.toLowerCase()}`);
  }
  return [...origins];
}
