/** Names of alert things in the UI's language; a type the platform sent that we do not know is shown as given. */
import { ALERT_TYPES } from '../../../shared/contract';

type T = (key: string) => string;
type Te = (key: string) => boolean;

export function typeName(type: string, t: T, te: Te): string {
  const key = `alerts.type.${type}`;
  return te(key) ? t(key) : type;
}

export { ALERT_TYPES };
