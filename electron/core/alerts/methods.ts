/** Binds the alert desk's methods of the contract. */
import type { Registry } from '../api/registry';
import type { CallContext } from '../api/context';
import { HallError } from '../api/errors';
import { durably, type Db } from '../db/database';
import type { Actor, AlertDesk } from './desk';

function actor(ctx: CallContext): Actor {
  if (!ctx.user) throw new HallError('unauthorized', 'Needs a signed-in session');
  return { username: ctx.user.username, displayName: ctx.user.displayName };
}

export function registerAlertMethods(registry: Registry, desk: AlertDesk, db: Db): void {
  registry.register('alerts.list', (p) => desk.store.list(p));
  registry.register('alerts.get', (p) => desk.detail(p.id));
  registry.register('alerts.counts', () => desk.store.counts());
  registry.register('alerts.handle', (p, ctx) => desk.handle(p.id, actor(ctx)));
  registry.register('alerts.escalate', (p, ctx) => desk.escalate(p.id, actor(ctx), p.note));
  registry.register('alerts.create', (p, ctx) => desk.create(p, actor(ctx)));
  registry.register('alerts.importCap', (p, ctx) => desk.importCap(p.xml, actor(ctx)));
  registry.register('alerts.exportCap', (p) => desk.exportCap(p.id));
  registry.register('alerts.rules.list', () => desk.rules.list());
  registry.register('alerts.rules.save', (p, ctx) => desk.saveRule(p.rule, actor(ctx)));
  registry.register('alerts.filters.list', (_p, ctx) => desk.store.filters(actor(ctx).username));
  registry.register('alerts.filters.save', (p, ctx) => desk.store.saveFilter(actor(ctx).username, p.name, p.filter));
  registry.register('alerts.filters.delete', (p, ctx) => {
    desk.store.deleteFilter(actor(ctx).username, p.id);
    return null;
  });
  // Acknowledging and closing may write an action for the platform: the transaction that holds
  // the change, its audit row and the outbox row commits with synchronous = FULL, so an action
  // the operator saw accepted survives a power cut.
  registry.registerAsync('alerts.ack', (p, ctx, tools) => Promise.resolve(durably(db, () => tools.transaction(() => desk.ack(p.id, actor(ctx), p.note)))));
  registry.registerAsync('alerts.close', (p, ctx, tools) => Promise.resolve(durably(db, () => tools.transaction(() => desk.close(p.id, actor(ctx), p.resolution)))));
}
