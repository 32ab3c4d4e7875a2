/**
 * Binds the incidents and decision-room methods of the contract. Every change may write an
 * `incident.report` to the outbox, so writes commit with synchronous = FULL in one transaction
 * with their audit row (as the alert desk's ack/close do).
 */
import type { Registry, HandlerTools } from '../api/registry';
import type { CallContext } from '../api/context';
import { HallError } from '../api/errors';
import { durably, type Db } from '../db/database';
import type { MapGeometry } from '../../../shared/contract';
import type { IncidentService } from './service';
import type { Fieldwork } from './fieldwork';
import type { PdfPrinter } from './pdf';
import { makeReport } from './report';

function who(ctx: CallContext): string {
  if (!ctx.user) throw new HallError('unauthorized', 'Needs a signed-in session');
  return ctx.user.username;
}

export interface IncidentMethodsDeps {
  db: Db;
  service: IncidentService;
  fieldwork: Fieldwork;
  dataDir: string;
  printPdf: PdfPrinter;
  boundary: () => MapGeometry;
}

export function registerIncidentMethods(registry: Registry, d: IncidentMethodsDeps): void {
  const { service: s, fieldwork: f } = d;
  const write = <T>(tools: HandlerTools, fn: () => T): Promise<T> => Promise.resolve(durably(d.db, () => tools.transaction(fn)));

  registry.register('incidents.get', (p) => s.detail(p.id));
  registry.register('incidents.list', (p) => s.list(p.status));
  registry.register('incidents.timeline', (p) => {
    s.require(p.id);
    return s.timeline.list(p.id, p);
  });
  registry.register('incidents.tasks.list', (p) => f.tasks(p.id));
  registry.register('incidents.evacuation.list', (p) => f.evacuation(p.id));
  registry.register('incidents.losses.list', (p) => f.losses(p.id));
  registry.register('decision.queue', () => s.queue());

  registry.registerAsync('incidents.create', (p, ctx, tools) => write(tools, () => s.create(p, who(ctx))));
  registry.registerAsync('incidents.update', (p, ctx, tools) => write(tools, () => s.update(p.id, p.changes, who(ctx))));
  registry.registerAsync('incidents.setLevel', (p, ctx, tools) => write(tools, () => s.setLevel(p.id, p.level, p.reason, who(ctx))));
  registry.registerAsync('incidents.proposeLevel', (p, ctx, tools) => write(tools, () => s.proposeLevel(p.id, p.level, p.reason, who(ctx))));
  registry.registerAsync('incidents.decideProposal', (p, ctx, tools) => write(tools, () => s.decideProposal(p.proposalId, p.accept, p.note, who(ctx))));
  registry.registerAsync('incidents.close', (p, ctx, tools) => write(tools, () => s.close(p.id, p.note, p.final, who(ctx))));
  registry.registerAsync('incidents.log', (p, ctx, tools) => write(tools, () => s.log(p.id, p.text, p.significant ?? false, who(ctx))));
  registry.registerAsync('incidents.mark', (p, _ctx, tools) => write(tools, () => s.mark(p.id, p.entryId, p.significant)));
  registry.registerAsync('incidents.checklist.update', (p, ctx, tools) => write(tools, () => s.updateChecklist(p.id, p.itemId, p, who(ctx))));
  registry.registerAsync('incidents.tasks.save', (p, ctx, tools) => write(tools, () => f.saveTask(p.incidentId, p.task, who(ctx))));
  registry.registerAsync('incidents.tasks.setStatus', (p, ctx, tools) => write(tools, () => f.setTaskStatus(p.incidentId, p.taskId, p.status, who(ctx))));
  registry.registerAsync('incidents.evacuation.save', (p, ctx, tools) => write(tools, () => f.saveEvacuation(p, who(ctx))));
  registry.registerAsync('incidents.losses.save', (p, ctx, tools) => write(tools, () => f.saveLosses(p, who(ctx))));
  registry.registerAsync('incidents.wall', (p, ctx, tools) => write(tools, () => s.putOnWall(p.id, who(ctx))));
  registry.registerAsync('incidents.report', async (p, ctx, tools) => {
    const by = who(ctx);
    s.require(p.id);
    try {
      return await makeReport(s, d, p.id, by, (fn) => tools.transaction(fn));
    } catch (error) {
      if (error instanceof HallError) throw error;
      throw new HallError('unavailable', `incidents.report: ${(error as Error).message}`);
    }
  });
}
