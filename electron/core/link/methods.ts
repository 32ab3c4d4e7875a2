/** The district link's methods: its status, the quarantine and the outbox of actions. */
import type { LinkStatus } from '../../../shared/contract';
import type { Registry } from '../api/registry';
import type { SqliteOutbox } from './outbox';
import type { QuarantineRepo } from './quarantine';

export function registerLinkMethods(registry: Registry, link: { status(): LinkStatus; quarantine: QuarantineRepo; outbox: SqliteOutbox }): void {
  registry.register('link.status', () => link.status());
  registry.register('link.quarantine.list', (params) => link.quarantine.list(params.limit));
  registry.register('link.actions.list', (params) => link.outbox.list(params.state, params.limit));
}
