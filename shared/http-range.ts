/**
 * HTTP byte ranges (RFC 9110 §14) for the basemap archives the console serves itself: a PMTiles
 * reader asks for one range at a time (the header, a directory, a tile). Pure, for both hosts
 * (web host, Electron app://).
 */

export type ByteRange =
  /** No usable Range header: send the whole file (200). */
  | { kind: 'full' }
  /** Send bytes start..end inclusive (206). */
  | { kind: 'partial'; start: number; end: number }
  /** A well-formed range that misses the file (416 with `Content-Range: bytes *\/size`). */
  | { kind: 'unsatisfiable' };

/**
 * The range a `Range` header asks of a file of `size` bytes. Only a single `bytes=` range is
 * honoured; anything else (other units, several ranges, garbage) is ignored as the RFC allows,
 * and the whole file is sent.
 */
export function parseByteRange(header: string | null | undefined, size: number): ByteRange {
  if (!header) return { kind: 'full' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'full' };
  const [first, last] = [match[1]!, match[2]!];
  if (first === '') {
    // A suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return { kind: 'full' }; // invalid: ignored
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/** The path of a configured basemap archive the console serves: `/basemaps/<id>.pmtiles`. */
export const BASEMAP_FILE_ROUTE = /^\/basemaps\/([a-z0-9][a-z0-9_-]{0,39})\.pmtiles$/;

export const PMTILES_CONTENT_TYPE = 'application/vnd.pmtiles';
