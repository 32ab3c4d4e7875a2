/** Binds the release domain's methods: devices, contacts, warnings. */
import type { Registry } from '../api/registry';
import { durably, type Db } from '../db/database';
import type { CallContext } from '../api/context';
import { HallError } from '../api/errors';
import type { DeviceRegistry } from '../devices/registry';
import type { ContactsRepo } from './contacts';
import type { WarningService } from './service';
import type { Caller } from './rules';
import { WARNING_TEMPLATES } from './templates';
import type { z } from 'zod';
import type { WarningInput as WarningInputSchema } from '../../../shared/contract/warnings';

function caller(ctx: CallContext): Caller {
  if (!ctx.user) throw new HallError('unauthorized', 'Needs a signed-in session');
  return { username: ctx.user.username, role: ctx.user.role };
}

export interface ReleaseMethodsDeps {
  db: Db;
  devices: DeviceRegistry;
  contacts: ContactsRepo;
  warnings: WarningService;
  /** Demo mode's simulator controls (absent outside demo mode). */
  simulate?: ((id: string, mode: 'normal' | 'offline' | 'fault' | 'refuse' | 'slow') => Promise<void>) | undefined;
  fromAlert: (alertId: string) => z.output<typeof WarningInputSchema>;
}

export function registerReleaseMethods(registry: Registry, d: ReleaseMethodsDeps): void {
  registry.register('devices.list', () => d.devices.list());
  registry.register('devices.get', (p) => d.devices.require(p.id));
  registry.registerAsync('devices.test', (p) => d.devices.test(p.id));
  registry.registerAsync('devices.simulate', async (p) => {
    d.devices.require(p.id);
    if (!d.simulate) throw new HallError('conflict', 'devices.simulate: only demo mode has simulated devices');
    try {
      await d.simulate(p.id, p.mode);
    } catch (error) {
      throw new HallError('conflict', `devices.simulate: ${(error as Error).message}`);
    }
    return null;
  });

  registry.register('contacts.list', (p) => d.contacts.list(p));
  registry.register('contacts.save', (p) => d.contacts.save(p));
  registry.register('contacts.delete', (p) => {
    d.contacts.delete(p.id);
    return null;
  });
  registry.registerAsync('contacts.import', (p) => d.contacts.importFile(p.format, Buffer.from(p.dataBase64, 'base64')));
  registry.registerAsync('contacts.export', (p) => d.contacts.exportFile(p.format));

  registry.register('warnings.templates.list', () => [...WARNING_TEMPLATES]);
  registry.register('warnings.fromAlert', (p) => d.fromAlert(p.alertId));
  registry.registerAsync('warnings.create', (p, ctx) => d.warnings.create(p, caller(ctx)));
  registry.registerAsync('warnings.update', (p, ctx) => d.warnings.update(p.id, p.changes, caller(ctx)));
  registry.registerAsync('warnings.submit', (p, ctx, tools) => Promise.resolve(durably(d.db, () => tools.transaction(() => d.warnings.submit(p.id, caller(ctx))))));
  registry.registerAsync('warnings.approve', (p, ctx, tools) => Promise.resolve(durably(d.db, () => tools.transaction(() => d.warnings.approve(p.id, caller(ctx))))));
  registry.registerAsync('warnings.reject', (p, ctx, tools) => Promise.resolve(durably(d.db, () => tools.transaction(() => d.warnings.reject(p.id, p.reason, caller(ctx))))));
  registry.registerAsync('warnings.release', (p, ctx, tools) => Promise.resolve(durably(d.db, () => tools.transaction(() => d.warnings.release(p.id, caller(ctx), p.breakGlass)))));
  registry.registerAsync('warnings.cancel', (p, ctx) => d.warnings.cancel(p.id, p.reason, caller(ctx)));
  registry.register('warnings.get', (p, ctx) => d.warnings.detail(p.id, caller(ctx)));
  // Workflow steps commit with their audit row and timeline entry at synchronous = FULL.
  registry.register('warnings.list', (p) => d.warnings.list(p.status, p.limit));
  registry.register('warnings.deliveries', (p) => {
    d.warnings.require(p.id);
    return d.warnings.deliveries(p.id);
  });
  registry.register('warnings.audio', (p) => d.warnings.audio(p.id));
  registry.register('warnings.audio.upload', (p, ctx) => d.warnings.uploadAudio(p.id, p.mimeType, Buffer.from(p.dataBase64, 'base64'), caller(ctx)));
  registry.register('warnings.exportCap', (p) => d.warnings.exportCap(p.id));
}
