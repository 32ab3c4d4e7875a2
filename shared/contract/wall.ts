/**
 * The video wall's contract: screens (physical displays), layouts (a grid per screen whose
 * regions may span cells), region content, scenes (a layout and content for every screen), the
 * schedule, and the wall's state with its precedence: emergency takeover > operator override >
 * schedule > default. And the video catalogue, playback URLs and PTZ.
 */
import { z } from 'zod';

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (1–64)');

export const WallScreen = z.object({
  id: Id,
  label: z.string(),
  /** Where it sits on the wall (0-based). */
  row: z.number().int().min(0),
  col: z.number().int().min(0),
  /** Its display's bounds in the OS's virtual desktop (for Electron placement). */
  bounds: z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() }),
  role: z.enum(['wall', 'decision']),
});
export type WallScreen = z.infer<typeof WallScreen>;

export const LayoutRegion = z
  .object({
    id: Id,
    row: z.number().int().min(0),
    col: z.number().int().min(0),
    rowSpan: z.number().int().min(1).default(1),
    colSpan: z.number().int().min(1).default(1),
  })
  .strict();
export type LayoutRegion = z.infer<typeof LayoutRegion>;

export const WallLayout = z
  .object({
    id: Id,
    name: z.string().trim().min(1).max(50),
    rows: z.number().int().min(1).max(6),
    cols: z.number().int().min(1).max(6),
    regions: z.array(LayoutRegion).min(1).max(36),
    builtIn: z.boolean().optional(),
  })
  .strict();
export type WallLayout = z.infer<typeof WallLayout>;

export const RegionContent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('empty') }).strict(),
  z.object({ kind: z.literal('video'), cameraId: z.string().min(1).max(100) }).strict(),
  /** A saved map view (map.views.list), or the district when absent; the wall map obeys the view lock. */
  z.object({ kind: z.literal('map'), viewId: z.string().max(100).optional() }).strict(),
  z.object({ kind: z.literal('alerts'), mode: z.enum(['board', 'ticker']) }).strict(),
  z.object({ kind: z.literal('kpi') }).strict(),
  z.object({ kind: z.literal('incident'), incidentId: z.string().max(100).optional() }).strict(),
  z.object({ kind: z.literal('clock') }).strict(),
  /** An allowlisted web page (config wall.webAllowlist: origins). */
  z.object({ kind: z.literal('web'), url: z.url({ protocol: /^https?$/ }) }).strict(),
]);
export type RegionContent = z.infer<typeof RegionContent>;

export const SceneScreen = z
  .object({
    layoutId: Id,
    /** Content per region id of the layout; a region without content is empty. */
    content: z.record(z.string(), RegionContent),
  })
  .strict();
export type SceneScreen = z.infer<typeof SceneScreen>;

export const WallScene = z
  .object({
    id: Id,
    name: z.string().trim().min(1).max(50),
    /** A single key (1–9, F1–F12) that applies it from the wall room. */
    hotkey: z.string().regex(/^([1-9]|F([1-9]|1[0-2]))$/).optional(),
    screens: z.record(z.string(), SceneScreen),
    builtIn: z.boolean().optional(),
  })
  .strict();
export type WallScene = z.infer<typeof WallScene>;

export const ScheduleEntry = z
  .object({
    sceneId: Id,
    /** Days of the week, 0 = Sunday; empty = every day. */
    days: z.array(z.number().int().min(0).max(6)).max(7).default([]),
    from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
    to: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'HH:MM'),
  })
  .strict();
export type ScheduleEntry = z.infer<typeof ScheduleEntry>;

export const WALL_SOURCES = ['takeover', 'override', 'schedule', 'default'] as const;
export const WallSource = z.enum(WALL_SOURCES);
export type WallSource = z.infer<typeof WallSource>;

/** What one screen shows now: its layout and every region with its content. */
export const ScreenState = z.object({
  screenId: z.string(),
  layout: WallLayout,
  regions: z.array(z.object({ region: LayoutRegion, content: RegionContent })),
});
export type ScreenState = z.infer<typeof ScreenState>;

export const WallState = z.object({
  /** The scene on the wall now and why it is there. */
  sceneId: z.string(),
  sceneName: z.string(),
  source: WallSource,
  since: z.string(),
  /** Bumped on every change: a screen that reconnects compares and catches up. */
  version: z.number().int(),
  takeover: z.object({ sceneId: z.string(), alertId: z.string(), headline: z.string(), at: z.string() }).nullable(),
  override: z.object({ sceneId: z.string(), by: z.string(), at: z.string() }).nullable(),
  /** The scene the schedule asks for now (null outside every window). */
  scheduledSceneId: z.string().nullable(),
  defaultSceneId: z.string(),
  screens: z.array(ScreenState),
});
export type WallState = z.infer<typeof WallState>;

// ---- video ----

export const VideoCamera = z.object({
  id: z.string(),
  name: z.string(),
  stationCode: z.string(),
  townName: z.string().nullable(),
  lat: z.number(),
  lon: z.number(),
  online: z.boolean(),
  ptz: z.boolean(),
  codec: z.enum(['h264', 'h265']).nullable(),
  source: z.enum(['link', 'wvp']),
});
export type VideoCamera = z.infer<typeof VideoCamera>;

export const STREAM_KINDS = ['wsFlv', 'hls', 'flv', 'whep'] as const;
export const StreamKind = z.enum(STREAM_KINDS);
export type StreamKind = z.infer<typeof StreamKind>;

export const PlayInfo = z.object({
  cameraId: z.string(),
  urls: z.object({ hls: z.string().optional(), flv: z.string().optional(), wsFlv: z.string().optional(), whep: z.string().optional() }),
  /** The kind a tile should try first (WS-FLV or HLS for tiles). */
  preferred: StreamKind,
  codec: z.enum(['h264', 'h265']).nullable(),
});
export type PlayInfo = z.infer<typeof PlayInfo>;

export const PTZ_ACTIONS = ['up', 'down', 'left', 'right', 'upleft', 'upright', 'downleft', 'downright', 'zoomin', 'zoomout', 'focusnear', 'focusfar', 'stop'] as const;
export const PtzAction = z.enum(PTZ_ACTIONS);
export type PtzAction = z.infer<typeof PtzAction>;
