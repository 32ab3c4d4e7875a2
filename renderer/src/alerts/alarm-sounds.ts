/**
 * The alarm sounds, one per level (resources/sounds, made by build/gen-sounds.mjs). Imported
 * through Vite (`?url`) so they are emitted with the renderer build and served from 'self' both
 * by the web host and by app:// — the CSP's media-src 'self' admits them.
 */
import type { AlertLevel } from '../../../shared/contract/alerts';
import blue from '../../../resources/sounds/alarm-blue.wav?url';
import yellow from '../../../resources/sounds/alarm-yellow.wav?url';
import orange from '../../../resources/sounds/alarm-orange.wav?url';
import red from '../../../resources/sounds/alarm-red.wav?url';

export const ALARM_SOUNDS: Readonly<Record<AlertLevel, string>> = { blue, yellow, orange, red };

export function alarmSoundUrl(level: AlertLevel): string {
  return ALARM_SOUNDS[level];
}
