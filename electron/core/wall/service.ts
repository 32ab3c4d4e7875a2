/**
 * The wall service: layouts and scenes (built-in and saved), the schedule, the operator's
 * override, the emergency takeover, and the wall's state pushed to every screen as
 * `wall.changed` (the whole state: a few KB) whenever it changes — an apply, a region, a
 * schedule window opening, a red alert arriving or being acknowledged.
 */
import type { RegionContent, ScheduleEntry, WallLayout, WallScene, WallScreen, WallState } from '../../../shared/contract';
import type { Db } from '../db/database';
import type { EventBus } from '../events/bus';
import type { HallConfig } from '../config/config';
import type { CamerasRepo } from '../mirror/cameras';
import { HallError } from '../api/errors';
import { BUILT_IN_LAYOUTS, builtInScenes, defaultScreens } from './builtins';
import { effectiveScene, layoutProblems, scheduledEntry, screenStates, type Override, type Takeover } from './model';

interface StateRow {
  default_scene: string;
  schedule: string;
  override: string | null;
  takeover: string | null;
  version: number;
  since: string;
}

export interface WallDeps {
  db: Db;
  events: EventBus;
  config: HallConfig['wall'];
  cameras: CamerasRepo;
  /** The newest unacknowledged alert of a takeover level, if any. */
  takeoverAlert: () => { id: string; headline: string } | null;
  now: () => Date;
  log: (line: string) => void;
}

export class WallService {
  readonly screens: WallScreen[];
  private readonly builtInScenes: WallScene[];
  private lastScheduled: string | null = null;
  private lastKey = '';
  private lastScreens = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: WallDeps) {
    this.screens = deps.config.screens.length ? deps.config.screens : defaultScreens();
    this.builtInScenes = builtInScenes(this.screens);
    deps.db
      .prepare(`INSERT INTO wall_state (id, default_scene, since) VALUES (1, 'daily', ?) ON CONFLICT (id) DO NOTHING`)
      .run(deps.now().toISOString());
    this.lastScheduled = this.scheduledSceneId();
    this.lastKey = this.sceneKey();
    this.lastScreens = JSON.stringify(this.state().screens);
  }

  // ---- layouts and scenes ----

  layouts(): WallLayout[] {
    const saved = (this.deps.db.prepare('SELECT body FROM wall_layouts ORDER BY id').all() as { body: string }[]).map((r) => JSON.parse(r.body) as WallLayout);
    return [...BUILT_IN_LAYOUTS, ...saved];
  }

  private layoutMap(): Map<string, WallLayout> {
    return new Map(this.layouts().map((l) => [l.id, l]));
  }

  saveLayout(layout: WallLayout): WallLayout {
    if (BUILT_IN_LAYOUTS.some((l) => l.id === layout.id)) throw new HallError('conflict', `"${layout.id}" is a built-in layout; save it under another id`);
    const problems = layoutProblems(layout);
    if (problems.length) throw new HallError('invalid_params', `Layout "${layout.id}": ${problems[0]!.problem}`, problems);
    const stored = { ...layout, builtIn: false };
    this.deps.db
      .prepare('INSERT INTO wall_layouts (id, body, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at')
      .run(layout.id, JSON.stringify(stored), this.deps.now().toISOString());
    this.changed(); // a scene on the wall may use it
    return stored;
  }

  deleteLayout(id: string): void {
    if (BUILT_IN_LAYOUTS.some((l) => l.id === id)) throw new HallError('conflict', `"${id}" is a built-in layout`);
    const users = this.scenes().filter((s) => Object.values(s.screens).some((sc) => sc.layoutId === id));
    if (users.length) throw new HallError('conflict', `Layout "${id}" is used by scene(s) ${users.map((s) => s.name).join('、')}`);
    this.deps.db.prepare('DELETE FROM wall_layouts WHERE id = ?').run(id);
  }

  scenes(): WallScene[] {
    const saved = (this.deps.db.prepare('SELECT body FROM wall_scenes ORDER BY id').all() as { body: string }[]).map((r) => JSON.parse(r.body) as WallScene);
    const savedIds = new Set(saved.map((s) => s.id));
    return [...this.builtInScenes.filter((s) => !savedIds.has(s.id)), ...saved];
  }

  private scene(id: string): WallScene {
    const scene = this.scenes().find((s) => s.id === id);
    if (!scene) throw new HallError('not_found', `No scene "${id}"`);
    return scene;
  }

  saveScene(scene: WallScene): WallScene {
    const problems = this.sceneProblems(scene);
    if (problems.length) throw new HallError('invalid_params', `Scene "${scene.id}": ${problems[0]!.problem}`, problems);
    const stored = { ...scene, builtIn: false };
    this.deps.db
      .prepare('INSERT INTO wall_scenes (id, body, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at')
      .run(scene.id, JSON.stringify(stored), this.deps.now().toISOString());
    this.changed();
    return stored;
  }

  deleteScene(id: string): void {
    if (this.builtInScenes.some((s) => s.id === id) && !this.deps.db.prepare('SELECT 1 FROM wall_scenes WHERE id = ?').get(id)) {
      throw new HallError('conflict', `"${id}" is a built-in scene`);
    }
    if (this.state().sceneId === id) throw new HallError('conflict', `Scene "${id}" is on the wall now; apply another scene first`);
    this.deps.db.prepare('DELETE FROM wall_scenes WHERE id = ?').run(id);
    this.changed();
  }

  private sceneProblems(scene: WallScene): { path: string; problem: string }[] {
    const problems: { path: string; problem: string }[] = [];
    const layouts = this.layoutMap();
    const screenIds = new Set(this.screens.map((s) => s.id));
    for (const [screenId, plan] of Object.entries(scene.screens)) {
      const path = `scene.screens.${screenId}`;
      if (!screenIds.has(screenId)) problems.push({ path, problem: `no screen "${screenId}" on this wall` });
      const layout = layouts.get(plan.layoutId);
      if (!layout) {
        problems.push({ path: `${path}.layoutId`, problem: `no layout "${plan.layoutId}"` });
        continue;
      }
      const regionIds = new Set(layout.regions.map((r) => r.id));
      for (const [regionId, content] of Object.entries(plan.content)) {
        if (!regionIds.has(regionId)) problems.push({ path: `${path}.content.${regionId}`, problem: `layout "${layout.id}" has no region "${regionId}"` });
        const p = this.contentProblem(content);
        if (p) problems.push({ path: `${path}.content.${regionId}`, problem: p });
      }
    }
    return problems;
  }

  private contentProblem(content: RegionContent): string | null {
    if (content.kind === 'web') {
      const origin = new URL(content.url).origin;
      if (!this.deps.config.webAllowlist.some((allowed) => new URL(allowed).origin === origin)) {
        return `${origin} is not in wall.webAllowlist`;
      }
    }
    if (content.kind === 'video' && !/^auto:\d+$/.test(content.cameraId) && !this.deps.cameras.list().some((c) => c.id === content.cameraId)) {
      return `no camera "${content.cameraId}"`;
    }
    return null;
  }

  // ---- schedule, override, takeover ----

  schedule(): { defaultSceneId: string; entries: ScheduleEntry[] } {
    const row = this.row();
    return { defaultSceneId: row.default_scene, entries: JSON.parse(row.schedule) as ScheduleEntry[] };
  }

  saveSchedule(defaultSceneId: string, entries: ScheduleEntry[]): { defaultSceneId: string; entries: ScheduleEntry[] } {
    this.scene(defaultSceneId);
    entries.forEach((e) => this.scene(e.sceneId));
    this.deps.db.prepare('UPDATE wall_state SET default_scene = ?, schedule = ? WHERE id = 1').run(defaultSceneId, JSON.stringify(entries));
    this.lastScheduled = this.scheduledSceneId();
    this.changed();
    return this.schedule();
  }

  apply(sceneId: string, by: string): WallState {
    this.scene(sceneId);
    const override: Override = { sceneId, by, at: this.deps.now().toISOString(), regions: {} };
    this.deps.db.prepare('UPDATE wall_state SET override = ? WHERE id = 1').run(JSON.stringify(override));
    return this.changed();
  }

  setRegion(screenId: string, regionId: string, content: RegionContent, by: string): WallState {
    const current = this.state();
    const screen = current.screens.find((s) => s.screenId === screenId);
    if (!screen) throw new HallError('not_found', `No screen "${screenId}"`);
    if (!screen.layout.regions.some((r) => r.id === regionId)) throw new HallError('not_found', `Screen "${screenId}" (layout ${screen.layout.id}) has no region "${regionId}"`);
    const problem = this.contentProblem(content);
    if (problem) throw new HallError('invalid_params', problem, [{ path: 'content', problem }]);
    // A change made during a takeover waits under it; one made on the schedule's scene makes it an override.
    const row = this.row();
    const base: Override = row.override ? (JSON.parse(row.override) as Override) : { sceneId: current.sceneId, by, at: this.deps.now().toISOString(), regions: {} };
    const override: Override = { ...base, by, at: this.deps.now().toISOString(), regions: { ...base.regions, [screenId]: { ...base.regions[screenId], [regionId]: content } } };
    this.deps.db.prepare('UPDATE wall_state SET override = ? WHERE id = 1').run(JSON.stringify(override));
    return this.changed();
  }

  revert(): WallState {
    this.deps.db.prepare('UPDATE wall_state SET override = NULL WHERE id = 1').run();
    return this.changed();
  }

  /** Follows the alert desk: an unacknowledged alert of a takeover level takes the wall; acknowledging hands it back. */
  checkTakeover(): void {
    const alert = this.deps.takeoverAlert();
    const row = this.row();
    const current = row.takeover ? (JSON.parse(row.takeover) as Takeover) : null;
    if (alert && current?.alertId === alert.id) return;
    if (!alert && !current) return;
    const next: Takeover | null = alert ? { sceneId: this.deps.config.takeoverSceneId, alertId: alert.id, headline: alert.headline, at: current?.at ?? this.deps.now().toISOString() } : null;
    if (next && !this.scenes().some((s) => s.id === next.sceneId)) {
      this.deps.log(`[wall] takeover scene "${next.sceneId}" does not exist; the wall stays as it is`);
      return;
    }
    this.deps.db.prepare('UPDATE wall_state SET takeover = ? WHERE id = 1').run(next ? JSON.stringify(next) : null);
    this.changed();
  }

  /** Re-checks the schedule every 20 s; a window opening or closing changes the wall. */
  start(): () => void {
    this.checkTakeover();
    this.timer = setInterval(() => {
      try {
        const scheduled = this.scheduledSceneId();
        if (scheduled !== this.lastScheduled) {
          this.lastScheduled = scheduled;
          this.changed();
        }
      } catch (error) {
        this.deps.log(`[wall] schedule check failed: ${(error as Error).message}`);
      }
    }, 20_000);
    this.timer.unref();
    return () => {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    };
  }

  // ---- the state ----

  private row(): StateRow {
    return this.deps.db.prepare('SELECT default_scene, schedule, override, takeover, version, since FROM wall_state WHERE id = 1').get() as StateRow;
  }

  private scheduledSceneId(): string | null {
    const entries = JSON.parse(this.row().schedule) as ScheduleEntry[];
    return scheduledEntry(entries, this.deps.now())?.sceneId ?? null;
  }

  state(): WallState {
    const row = this.row();
    const override = row.override ? (JSON.parse(row.override) as Override) : null;
    const takeover = row.takeover ? (JSON.parse(row.takeover) as Takeover) : null;
    const scheduled = this.scheduledSceneId();
    const scenes = this.scenes();
    let { sceneId, source } = effectiveScene({ takeover, override, scheduled, defaultSceneId: row.default_scene });
    let scene = scenes.find((s) => s.id === sceneId);
    if (!scene) {
      // A scene deleted under the schedule or default: the built-in daily scene keeps the wall alive.
      scene = scenes.find((s) => s.id === 'daily')!;
      sceneId = scene.id;
      source = 'default';
    }
    const cameras = this.deps.cameras
      .list()
      .filter((c) => c.online)
      .sort((a, b) => a.stationCode.localeCompare(b.stationCode) || a.id.localeCompare(b.id));
    const resolve = (content: RegionContent): RegionContent => {
      if (content.kind !== 'video' || !content.cameraId.startsWith('auto:')) return content;
      const camera = cameras[Number(content.cameraId.slice(5)) - 1];
      return camera ? { kind: 'video', cameraId: camera.id } : { kind: 'empty' };
    };
    return {
      sceneId,
      sceneName: scene.name,
      source,
      since: row.since,
      version: row.version,
      takeover: takeover ? { sceneId: takeover.sceneId, alertId: takeover.alertId, headline: takeover.headline, at: takeover.at } : null,
      override: override ? { sceneId: override.sceneId, by: override.by, at: override.at } : null,
      scheduledSceneId: scheduled,
      defaultSceneId: row.default_scene,
      screens: screenStates(this.screens, scene, this.layoutMap(), source === 'override' ? override!.regions : null, resolve),
    };
  }

  /** Bumps the version, records since when the scene holds, and tells every screen. */
  private changed(): WallState {
    this.deps.db.prepare('UPDATE wall_state SET version = version + 1 WHERE id = 1').run();
    const key = this.sceneKey();
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.deps.db.prepare('UPDATE wall_state SET since = ? WHERE id = 1').run(this.deps.now().toISOString());
    }
    const state = this.state();
    this.lastScreens = JSON.stringify(state.screens);
    this.deps.events.emit('wall.changed', state);
    return state;
  }

  /**
   * Cameras came, went or changed state upstream: scenes that name `auto:<n>` may now resolve to
   * other cameras. Only if what a screen shows changed does the wall hear about it.
   */
  camerasChanged(): void {
    if (JSON.stringify(this.state().screens) !== this.lastScreens) this.changed();
  }

  /** Which scene holds the wall and why ("override:daily"): `since` moves only when this does. */
  private sceneKey(): string {
    const row = this.row();
    const override = row.override ? (JSON.parse(row.override) as Override) : null;
    const takeover = row.takeover ? (JSON.parse(row.takeover) as Takeover) : null;
    const e = effectiveScene({ takeover, override, scheduled: this.scheduledSceneId(), defaultSceneId: row.default_scene });
    return `${e.source}:${e.sceneId}`;
  }
}
