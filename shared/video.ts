/**
 * Stream URLs that mean "this console itself". The demo district (and any platform that relays
 * through the hall) names the console's own video server with this placeholder origin; the core
 * hands such URLs to renderers as same-origin paths (`/video/…`), which the web host and the
 * Electron app:// protocol both serve. A browser wall PC then plays from whichever console it
 * loaded from, and no port is baked into the simulator's catalogue.
 */
export const CONSOLE_VIDEO_ORIGIN = 'http://hall.local';

/** `http://hall.local/video/x/index.m3u8` → `/video/x/index.m3u8`; `ws://hall.local/…` likewise; others unchanged. */
export function consoleRelative(url: string): string {
  const m = /^(?:https?|wss?):\/\/hall\.local(\/.*)$/.exec(url);
  return m ? m[1]! : url;
}
