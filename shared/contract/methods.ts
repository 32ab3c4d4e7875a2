/**
 * The one API contract: every method the core serves, over Electron IPC and over HTTP.
 * Each entry names its params and result schemas, the roles allowed (the role matrix lives
 * here and only here) and whether a call is audited. Handlers are bound in electron/core.
 */
import { z } from 'zod';
import { ADMIN_ONLY, ANYONE_SIGNED_IN, Role, STAFF } from './roles';
import { DivisionCode, Station, StationLevel, User } from './entities';
import { ActionRecord, ActionState, Camera, LinkStatus, Notice, QuarantineItem, ReadingBucket, ReadingPoint, ReadingRange, Sensor, SensorType } from './link';
import { AlertCounts, AlertFilter, AlertRule, AlertsListParams, AlertsListResult, DeskAlert, DeskAlertDetail, ManualAlertParams, SavedAlertFilter } from './alerts';
import { PlayInfo, PtzAction, RegionContent, ScheduleEntry, VideoCamera, WallLayout, WallScene, WallScreen, WallState } from './wall';
import { warningMethods } from './warnings-methods';
import { incidentMethods } from './incidents-methods';
import { BBox, Basemap, MapFeatureCollection, MapLayerId, MapLayerInfo, MapView, SaveMapViewParams } from './map';

export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
  /** Roles allowed; 'public' means callable without a session (auth.login, system.about). */
  roles: readonly Role[] | 'public';
  /** State-changing calls write an audit row in the same transaction as the change. */
  audited: boolean;
  summary: string;
}

function method<P extends z.ZodType, R extends z.ZodType>(spec: MethodSpec<P, R>): MethodSpec<P, R> {
  return spec;
}

const Empty = z.object({}).strict();
const Nothing = z.null();
const AlertId = z.object({ id: z.string().min(1).max(200) }).strict();

export const methods = {
  'auth.login': method({
    params: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict(),
    result: z.object({ token: z.string(), expiresAt: z.string(), user: User }),
    roles: 'public',
    audited: true,
    summary: 'Sign in with a local account; returns a session token.',
  }),
  'auth.logout': method({
    params: Empty,
    result: Nothing,
    roles: ANYONE_SIGNED_IN,
    audited: true,
    summary: 'End the calling session.',
  }),
  'auth.me': method({
    params: Empty,
    result: z.object({ user: User, expiresAt: z.string() }),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Who the calling session belongs to.',
  }),
  'auth.issueWallToken': method({
    params: z.object({ screenId: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, - or _, at most 40') }).strict(),
    result: z.object({ token: z.string(), expiresAt: z.string() }),
    roles: ADMIN_ONLY,
    audited: true,
    summary: 'Issue a long-lived wall-role token for one wall screen.',
  }),
  'stations.list': method({
    params: z
      .object({ level: StationLevel.optional(), parentCode: DivisionCode.optional(), q: z.string().max(64).optional() })
      .strict(),
    result: z.array(Station),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'The district, its towns/streets and villages; filter by level, parent or a name/code search.',
  }),
  'stations.get': method({
    params: z.object({ code: DivisionCode }).strict(),
    result: Station,
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'One station by its division code.',
  }),
  'system.about': method({
    params: Empty,
    result: z.object({
      name: z.string(),
      version: z.string(),
      demo: z.boolean(),
      /** Only in demo mode: the demo accounts, so the login screen can say so. */
      demoAccounts: z.array(z.object({ username: z.string(), password: z.string(), role: Role })).optional(),
    }),
    roles: 'public',
    audited: false,
    summary: 'What the login screen may know before sign-in: console name, version, demo mode.',
  }),
  'system.info': method({
    params: Empty,
    result: z.object({ version: z.string(), demo: z.boolean(), dataDir: z.string(), startedAt: z.string() }),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Version, demo flag, data directory and start time of the core.',
  }),
  'system.backup': method({
    params: Empty,
    result: z.object({ path: z.string() }),
    roles: ADMIN_ONLY,
    audited: true,
    summary: 'Take an online backup of the database into the data directory.',
  }),
  'link.status': method({
    params: Empty,
    result: LinkStatus,
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'The district link: state, epoch, cursor, lag, pending/failed actions, quarantined items.',
  }),
  'link.quarantine.list': method({
    params: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
    result: z.array(QuarantineItem),
    roles: STAFF,
    audited: false,
    summary: 'Changes from the platform that failed validation, newest first, with the reason and the raw payload.',
  }),
  'link.actions.list': method({
    params: z.object({ state: ActionState.optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(),
    result: z.array(ActionRecord),
    roles: STAFF,
    audited: false,
    summary: 'The outbox of actions for the platform, newest first.',
  }),
  'cameras.list': method({
    params: z.object({ stationCode: DivisionCode.optional(), online: z.boolean().optional() }).strict(),
    result: z.array(Camera),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Cameras mirrored from the platform.',
  }),
  'sensors.list': method({
    params: z.object({ stationCode: DivisionCode.optional(), type: SensorType.optional() }).strict(),
    result: z.array(Sensor),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Sensors mirrored from the platform (rain, river, reservoir, waterlog, fire, gas).',
  }),
  'readings.latest': method({
    params: z.object({ sensorIds: z.array(z.string().max(100)).max(5000).optional() }).strict(),
    result: z.array(ReadingPoint),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'The latest reading of each sensor (or of the given ones).',
  }),
  'readings.range': method({
    params: z
      .object({ sensorId: z.string().max(100), from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }), bucket: ReadingBucket.optional() })
      .strict(),
    result: ReadingRange,
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Readings of one sensor in a time range: raw values (30 days kept) or hourly min/max/avg (2 years).',
  }),
  'alerts.list': method({
    params: AlertsListParams,
    result: AlertsListResult,
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'The desk\'s alerts (one per CAP chain), newest first, filtered; pages with cursor/nextCursor.',
  }),
  'alerts.get': method({
    params: AlertId,
    result: DeskAlertDetail,
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'One alert with its latest CAP message, its chain and its timeline.',
  }),
  'alerts.counts': method({
    params: Empty,
    result: AlertCounts,
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Open and unacknowledged alerts, open alerts by level (KPIs, the wall ticker).',
  }),
  'alerts.ack': method({
    params: z.object({ id: z.string().min(1).max(200), note: z.string().max(1000).optional() }).strict(),
    result: DeskAlert,
    roles: STAFF,
    audited: true,
    summary: 'Acknowledge a new alert (silences its alarm); goes upstream as alert.ack when it came from the link.',
  }),
  'alerts.handle': method({
    params: AlertId,
    result: DeskAlert,
    roles: STAFF,
    audited: true,
    summary: 'Mark an alert as being handled (acknowledging it first if needed).',
  }),
  'alerts.close': method({
    params: z.object({ id: z.string().min(1).max(200), resolution: z.string().trim().min(2, 'a resolution is required').max(2000) }).strict(),
    result: DeskAlert,
    roles: STAFF,
    audited: true,
    summary: 'Close an alert with a resolution; goes upstream as alert.close when it came from the link.',
  }),
  'alerts.escalate': method({
    params: z.object({ id: z.string().min(1).max(200), note: z.string().max(1000).optional() }).strict(),
    result: z.object({ alert: DeskAlert, incidentId: z.string() }),
    roles: STAFF,
    audited: true,
    summary: 'Escalate an alert to an incident (creates the incident or joins the one it already has).',
  }),
  'alerts.create': method({
    params: ManualAlertParams,
    result: DeskAlert,
    roles: STAFF,
    audited: true,
    summary: 'Enter an alert by hand (a phone call, a patrol\'s report).',
  }),
  'alerts.importCap': method({
    params: z.object({ xml: z.string().min(1).max(2_000_000) }).strict(),
    result: z.object({ alert: DeskAlert, effect: z.enum(['created', 'updated', 'cancelled', 'unchanged']) }),
    roles: STAFF,
    audited: true,
    summary: 'Import a CAP 1.2 (or 1.1) document; an Update/Cancel changes the alert it references. Invalid → invalid_cap with every problem.',
  }),
  'alerts.exportCap': method({
    params: AlertId,
    result: z.object({ xml: z.string(), filename: z.string() }),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'The alert\'s latest message as CAP 1.2 XML (valid against the OASIS schema).',
  }),
  'alerts.rules.list': method({
    params: Empty,
    result: z.array(AlertRule),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Local threshold rules over sensor readings.',
  }),
  'alerts.rules.save': method({
    params: z.object({ rule: AlertRule }).strict(),
    result: AlertRule,
    roles: ADMIN_ONLY,
    audited: true,
    summary: 'Create or change a local rule (admin).',
  }),
  'alerts.filters.list': method({
    params: Empty,
    result: z.array(SavedAlertFilter),
    roles: STAFF,
    audited: false,
    summary: 'The caller\'s saved desk filters.',
  }),
  'alerts.filters.save': method({
    params: z.object({ name: z.string().trim().min(1).max(50), filter: AlertFilter }).strict(),
    result: SavedAlertFilter,
    roles: STAFF,
    audited: false,
    summary: 'Save the desk filter under a name (replaces one of the same name).',
  }),
  'alerts.filters.delete': method({
    params: z.object({ id: z.number().int() }).strict(),
    result: Nothing,
    roles: STAFF,
    audited: false,
    summary: 'Delete one of the caller\'s saved filters.',
  }),
  'notices.list': method({
    params: z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(),
    result: z.array(Notice),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Text notices from the city/provincial platform, newest first.',
  }),
  'wall.screens.list': method({
    params: Empty,
    result: z.array(WallScreen),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'The wall\'s screens (from config wall.screens; demo: a 1×3 wall).',
  }),
  'wall.layouts.list': method({
    params: Empty,
    result: z.array(WallLayout),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Screen layouts: built-in grids first, then saved ones.',
  }),
  'wall.layouts.save': method({
    params: z.object({ layout: WallLayout }).strict(),
    result: WallLayout,
    roles: STAFF,
    audited: true,
    summary: 'Create or replace a layout (regions must fit the grid and not overlap).',
  }),
  'wall.layouts.delete': method({
    params: z.object({ id: z.string().min(1).max(64) }).strict(),
    result: Nothing,
    roles: STAFF,
    audited: true,
    summary: 'Delete a saved layout no scene uses.',
  }),
  'wall.scenes.list': method({
    params: Empty,
    result: z.array(WallScene),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Scenes (日常值守, 三防Ⅳ级响应, 森林火灾, … and saved ones).',
  }),
  'wall.scenes.save': method({
    params: z.object({ scene: WallScene }).strict(),
    result: WallScene,
    roles: STAFF,
    audited: true,
    summary: 'Create or replace a scene.',
  }),
  'wall.scenes.apply': method({
    params: z.object({ id: z.string().min(1).max(64) }).strict(),
    result: WallState,
    roles: STAFF,
    audited: true,
    summary: 'Put a scene on the wall now (an operator override, until revert).',
  }),
  'wall.scenes.delete': method({
    params: z.object({ id: z.string().min(1).max(64) }).strict(),
    result: Nothing,
    roles: STAFF,
    audited: true,
    summary: 'Delete a saved scene (not a built-in one, not the one on the wall).',
  }),
  'wall.schedule.get': method({
    params: Empty,
    result: z.object({ defaultSceneId: z.string(), entries: z.array(ScheduleEntry) }),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'The default scene and the schedule of scenes by time window.',
  }),
  'wall.schedule.save': method({
    params: z.object({ defaultSceneId: z.string().min(1).max(64), entries: z.array(ScheduleEntry).max(50) }).strict(),
    result: z.object({ defaultSceneId: z.string(), entries: z.array(ScheduleEntry) }),
    roles: STAFF,
    audited: true,
    summary: 'Set the default scene and the schedule.',
  }),
  'wall.state': method({
    params: Empty,
    result: WallState,
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'What every screen shows now, and why (takeover, override, schedule, default).',
  }),
  'wall.setRegion': method({
    params: z.object({ screenId: z.string().min(1).max(64), regionId: z.string().min(1).max(64), content: RegionContent }).strict(),
    result: WallState,
    roles: STAFF,
    audited: true,
    summary: 'Change one region of the wall now (an operator override of the scene on the wall).',
  }),
  'wall.revert': method({
    params: Empty,
    result: WallState,
    roles: STAFF,
    audited: true,
    summary: 'Drop the operator override: back to the schedule (or the default).',
  }),
  'video.cameras.list': method({
    params: Empty,
    result: z.array(VideoCamera),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Cameras from the district link and the wvp-GB28181 adapter (when configured).',
  }),
  'video.play': method({
    params: z.object({ cameraId: z.string().min(1).max(100) }).strict(),
    result: PlayInfo,
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Stream URLs of a camera and the kind a tile should prefer.',
  }),
  'video.ptz': method({
    params: z.object({ cameraId: z.string().min(1).max(100), action: PtzAction, speed: z.number().int().min(1).max(63).optional() }).strict(),
    result: z.object({ via: z.enum(['wvp', 'pelco-d']) }),
    roles: STAFF,
    audited: false,
    summary: 'Move/zoom a PTZ camera (stop on release) through wvp or a Pelco-D serial line.',
  }),
  'video.preset': method({
    params: z.object({ cameraId: z.string().min(1).max(100), op: z.enum(['goto', 'set', 'clear']), n: z.number().int().min(1).max(255) }).strict(),
    result: z.object({ via: z.enum(['wvp', 'pelco-d']) }),
    roles: STAFF,
    audited: true,
    summary: 'Go to, set or clear a PTZ preset.',
  }),
  'map.basemaps.list': method({
    params: Empty,
    result: z.array(Basemap),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Basemaps: the built-in offline one first (the default), then those from config (map.basemaps).',
  }),
  'map.layers.list': method({
    params: Empty,
    result: z.array(MapLayerInfo),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Map layers with their zh name, legend, feature count and availability (slots of later issues are unavailable).',
  }),
  'map.features': method({
    params: z.object({ layer: MapLayerId, bbox: BBox.optional() }).strict(),
    result: MapFeatureCollection,
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'The GeoJSON features of one layer (WGS-84), optionally only those touching a bbox [w,s,e,n].',
  }),
  'map.views.list': method({
    params: Empty,
    result: z.array(MapView),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Named map views: the district, each town, then saved custom views.',
  }),
  'map.views.save': method({
    params: SaveMapViewParams,
    result: MapView,
    roles: STAFF,
    audited: true,
    summary: 'Save a custom named view (a view with the same name is replaced).',
  }),
  'map.views.delete': method({
    params: z.object({ id: z.string().min(1).max(100) }).strict(),
    result: Nothing,
    roles: STAFF,
    audited: true,
    summary: 'Delete a custom view (a no-op when it is already gone); built-in views cannot be deleted (conflict).',
  }),
  ...warningMethods,
  ...incidentMethods,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/** Whether `role` may call `name`; the single place the matrix is read. */
export function roleMayCall(name: MethodName, role: Role | null): boolean {
  const roles = methods[name].roles;
  if (roles === 'public') return true;
  return role !== null && roles.includes(role);
}
