import path from 'node:path';
import type { Role } from '../../../shared/contract';
import type { Registry } from '../api/registry';
import { backupTo, type Db } from '../db/database';

export interface SystemFacts {
  version: string;
  demo: boolean;
  dataDir: string;
  startedAt: string;
}

export interface About {
  name: string;
  demoAccounts?: { username: string; password: string; role: Role }[];
}

export function registerSystemMethods(registry: Registry, db: Db, facts: SystemFacts, about: About): void {
  registry.register('system.about', () => ({ name: about.name, version: facts.version, demo: facts.demo, ...(about.demoAccounts ? { demoAccounts: about.demoAccounts } : {}) }));
  registry.register('system.info', () => ({ ...facts }));
  // The backup itself is async (SQLite's online backup API, page by page, while the hall writes).
  registry.registerAsync('system.backup', async () => ({ path: await backupTo(db, path.join(facts.dataDir, 'backups')) }));
}
