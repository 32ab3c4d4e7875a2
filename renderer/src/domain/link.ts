/** Pure helpers for showing the district link: state → words and colour, raw payloads. */
import type { LinkState } from '../../../shared/contract';

export type LinkDisplayState = LinkState | 'unknown';

/** The i18n key under `link.state` (message keys avoid the hyphen of 'protocol-unsupported'). */
export function linkStateKey(state: LinkDisplayState): string {
  return state === 'protocol-unsupported' ? 'protocolUnsupported' : state;
}

/** One colour per meaning, the same in the indicator, the panel and the banner. */
export type LinkTone = 'ok' | 'busy' | 'bad' | 'idle';

export function linkTone(state: LinkDisplayState): LinkTone {
  switch (state) {
    case 'online':
      return 'ok';
    case 'connecting':
    case 'reconnecting':
      return 'busy';
    case 'offline':
    case 'unauthorized':
    case 'protocol-unsupported':
      return 'bad';
    default:
      return 'idle';
  }
}

/** States in which the hall works from its cache and must be told how old the data is. */
export function isStale(state: LinkDisplayState): boolean {
  return state !== 'online' && state !== 'disabled' && state !== 'unknown';
}

/** A quarantined payload for reading: pretty JSON when it parses, the text as received otherwise. */
export function prettyRaw(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/** "312 B", "4.2 KiB": the size of a raw payload as received (UTF-8). */
export function byteSize(text: string): string {
  const bytes = new TextEncoder().encode(text).length;
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}
