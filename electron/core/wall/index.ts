/** Wires the video wall into a core: the service, its methods, the takeover that follows the alert desk. */
import type { Registry } from '../api/registry';
import type { CallContext } from '../api/context';
import type { HallConfig } from '../config/config';
import type { Db } from '../db/database';
import type { EventBus } from '../events/bus';
import type { CamerasRepo } from '../mirror/cameras';
import { WallService } from './service';

export { WallService } from './service';

const who = (ctx: CallContext): string => ctx.user?.username ?? 'system';

export function setUpWall(
  registry: Registry,
  deps: { db: Db; events: EventBus; config: HallConfig; cameras: CamerasRepo; now: () => Date; log: (line: string) => void },
): { wall: WallService; stop: () => void } {
  const levels = deps.config.wall.takeoverLevels;
  const takeoverQuery = deps.db.prepare(
    `SELECT id, headline FROM desk_alerts WHERE state = 'new' AND level IN (SELECT value FROM json_each(?)) ORDER BY sent_ms DESC, id DESC LIMIT 1`,
  );
  const wall = new WallService({
    db: deps.db,
    events: deps.events,
    config: deps.config.wall,
    cameras: deps.cameras,
    takeoverAlert: () => (takeoverQuery.get(JSON.stringify(levels)) as { id: string; headline: string } | undefined) ?? null,
    now: deps.now,
    log: deps.log,
  });
  registry.register('wall.screens.list', () => wall.screens);
  registry.register('wall.layouts.list', () => wall.layouts());
  registry.register('wall.layouts.save', (p) => wall.saveLayout(p.layout));
  registry.register('wall.layouts.delete', (p) => {
    wall.deleteLayout(p.id);
    return null;
  });
  registry.register('wall.scenes.list', () => wall.scenes());
  registry.register('wall.scenes.save', (p) => wall.saveScene(p.scene));
  registry.register('wall.scenes.apply', (p, ctx) => wall.apply(p.id, who(ctx)));
  registry.register('wall.scenes.delete', (p) => {
    wall.deleteScene(p.id);
    return null;
  });
  registry.register('wall.schedule.get', () => wall.schedule());
  registry.register('wall.schedule.save', (p) => wall.saveSchedule(p.defaultSceneId, p.entries));
  registry.register('wall.state', () => wall.state());
  registry.register('wall.setRegion', (p, ctx) => wall.setRegion(p.screenId, p.regionId, p.content, who(ctx)));
  registry.register('wall.revert', () => wall.revert());
  // The desk's changes decide the takeover: a new red alert takes the wall, acknowledging it gives it back.
  const off = deps.events.on('alerts.changed', () => {
    try {
      wall.checkTakeover();
    } catch (error) {
      deps.log(`[wall] takeover check failed: ${(error as Error).message}`);
    }
  });
  const offCameras = deps.events.on('mirror.changed', ({ counts, reset }) => {
    if (!reset && !counts['camera']) return;
    try {
      wall.camerasChanged();
    } catch (error) {
      deps.log(`[wall] camera refresh failed: ${(error as Error).message}`);
    }
  });
  const stopTimer = wall.start();
  return {
    wall,
    stop: () => {
      off();
      offCameras();
      stopTimer();
    },
  };
}
