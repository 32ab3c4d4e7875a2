import type { Migration } from '../migrate';
import { m0010 } from './0010-accounts-audit';
import { m0020 } from './0020-stations';
import { m0030 } from './0030-wall-displays';
import { m0040 } from './0040-link-mirror';
import { m0050 } from './0050-readings';
import { m0060 } from './0060-outbox';
import { m0070 } from './0070-map-views';
import { m0080 } from './0080-alert-desk';
import { m0090 } from './0090-wall';
import { m0100 } from './0100-warnings';
import { m0110 } from './0110-incidents';

/** Every migration, in order. Add a file `NNNN-name.ts` (steps of 10) and list it here. */
export const MIGRATIONS: readonly Migration[] = [m0010, m0020, m0030, m0040, m0050, m0060, m0070, m0080, m0090, m0100, m0110];
