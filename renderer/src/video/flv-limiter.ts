/**
 * Browsers open at most 6 HTTP/1.1 connections per host, and an HTTP-FLV stream holds one for as
 * long as it plays: a wall of HTTP-FLV tiles would starve every other request to that host (the
 * API, HLS segments, map tiles). So one window never holds more than MAX_FLV_PER_HOST HTTP-FLV
 * streams to one host; a tile over the limit plays HLS or WS-FLV instead, or waits.
 */
export const MAX_FLV_PER_HOST = 5;

export class ConnectionLimiter {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerHost: number = MAX_FLV_PER_HOST) {}

  /** Takes a slot for `host`; returns its release (idempotent), or null when the host is full. */
  acquire(host: string): (() => void) | null {
    const n = this.open.get(host) ?? 0;
    if (n >= this.maxPerHost) return null;
    this.open.set(host, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(host) ?? 1) - 1;
      if (left <= 0) this.open.delete(host);
      else this.open.set(host, left);
    };
  }

  inUse(host: string): number {
    return this.open.get(host) ?? 0;
  }
}

/** The one limiter of this window (module state: every tile of the page shares it). */
export const flvLimiter = new ConnectionLimiter();

/** The host:port an HTTP-FLV URL connects to (relative URLs: this page's host). */
export function hostOf(url: string, base: string): string {
  try {
    return new URL(url, base).host;
  } catch {
    return '';
  }
}
