/**
 * The map's layers as a registry of definitions: id, zh name, kind, legend and a `build` that
 * returns the layer's WGS-84 features. Adding a layer is a local change: add its id to
 * MAP_LAYER_IDS (shared/contract/map.ts) and its definition below (a later issue turns a slot into
 * a real layer by replacing `slot(...)` with a definition that has a `build`).
 */
import type {
  AlertRecord, Camera, EvacuationRecord, EvacuationStatus, Incident, IncidentLevel, LegendEntry, MapFeature, MapGeometry, MapLayerId, MapLayerKind, ReadingPoint, Sensor, Station,
} from '../../../shared/contract';
import { MAP_LAYER_IDS } from '../../../shared/contract';
import {
  ALERT_LEVEL_COLORS,
  ALERT_LEVEL_LABELS,
  BASEMAP_COLORS,
  CAMERA_STATUS_COLORS,
  ONLINE_COLORS,
  SENSOR_STATUS_COLORS,
  SENSOR_STATUS_LABELS,
  alertFeatures,
  alertIsActive,
  cameraFeature,
  placeFeature,
  sensorFeature,
  stationFeature,
  type AlertLevel,
  type PlaceResolver,
  type SensorStatus,
} from '../../../shared/map';

export interface LayerDefinition {
  id: MapLayerId;
  name: string;
  kind: MapLayerKind;
  legend: LegendEntry[];
  /** Dense point layers: the renderer clusters them. */
  cluster: boolean;
  /** Part of the offline basemap rather than an operational layer. */
  base: boolean;
  /** Absent for slots that later issues fill: such a layer is listed as unavailable and has no features. */
  build?: () => MapFeature[];
}

/** What the layers read; the core passes its repositories, tests may pass arrays. */
export interface LayerSources {
  stations(): Station[];
  cameras(): Camera[];
  sensors(): Sensor[];
  latestReadings(): ReadingPoint[];
  alerts(): AlertRecord[];
  /** WGS-84 MultiPolygon of the district. */
  districtBoundary(): MapGeometry;
  now(): Date;
  /** Devices placed at their station (warning release's terminals and zones); absent: none yet. */
  devices?(): MapFeature[];
  /** Incidents in progress (active and closing); absent: none yet. */
  incidents?(): Incident[];
  /** The village evacuation records of the incidents in progress, each with its incident. */
  evacuation?(): IncidentEvacuation[];
  /** Alert areas that cannot be drawn are reported here (logged once per problem by the core). */
  onProblem?(problem: string): void;
}

function slot(id: MapLayerId, name: string, kind: MapLayerKind, color: string): LayerDefinition {
  return { id, name, kind, legend: [{ label: name, color }], cluster: kind === 'point', base: false };
}

/** An evacuation record of an incident in progress, as the evacuation-zones layer reads it. */
export interface IncidentEvacuation {
  incidentId: string;
  incidentTitle: string;
  record: EvacuationRecord;
}

/** Response levels on the map: Ⅳ blue … Ⅰ red (the warning colours), grey before a level is set. */
export const INCIDENT_LEVEL_COLORS: Readonly<Record<IncidentLevel | 'none', string>> = {
  I: ALERT_LEVEL_COLORS.red,
  II: ALERT_LEVEL_COLORS.orange,
  III: ALERT_LEVEL_COLORS.yellow,
  IV: ALERT_LEVEL_COLORS.blue,
  none: '#7f8da3',
};
const INCIDENT_LEVEL_LABELS: Readonly<Record<IncidentLevel | 'none', string>> = { I: 'Ⅰ级响应', II: 'Ⅱ级响应', III: 'Ⅲ级响应', IV: 'Ⅳ级响应', none: '未定级' };

/** Zone status colours (the renderer's EVACUATION_COLORS: the map, the wall and the table agree). */
export const EVACUATION_STATUS_COLORS: Readonly<Record<EvacuationStatus, string>> = {
  evacuate: '#ff3b48',
  'shelter-in-place': '#ff9640',
  prepare: '#ffe14d',
  watch: '#3d8bff',
  lifted: '#3ccf7a',
  drill: '#8d96a5',
};
const EVACUATION_STATUS_LABELS: Readonly<Record<EvacuationStatus, string>> = {
  evacuate: '立即转移',
  'shelter-in-place': '就地避险',
  prepare: '准备转移',
  watch: '关注',
  lifted: '解除',
  drill: '演练',
};

/** Where an incident is drawn: its station, else its point, else the centre of its first circle or polygon. */
export function incidentPoint(i: Incident, placePoint: (code: string) => [number, number] | undefined): [number, number] | undefined {
  const { stationCode, point, area } = i.place;
  const atStation = stationCode ? placePoint(stationCode) : undefined;
  if (atStation) return atStation;
  if (point) return [point.lon, point.lat];
  const circle = area?.circle?.[0]?.trim().split(/[\s,]+/).map(Number);
  if (circle && circle.length >= 2 && circle.slice(0, 2).every(Number.isFinite)) return [circle[1]!, circle[0]!];
  const ring = (area?.polygon?.[0] ?? '')
    .trim()
    .split(/\s+/)
    .map((pair) => pair.split(',').map(Number))
    .filter((pair) => pair.length === 2 && pair.every(Number.isFinite));
  if (ring.length >= 3) {
    const pts = ring.slice(0, -1); // CAP polygons are closed: the last vertex repeats the first
    return [pts.reduce((s, p) => s + p[1]!, 0) / pts.length, pts.reduce((s, p) => s + p[0]!, 0) / pts.length];
  }
  return undefined;
}

export function incidentFeature(i: Incident, at: [number, number]): MapFeature {
  const fid = `incident:${i.id}`;
  return {
    type: 'Feature',
    id: fid,
    geometry: { type: 'Point', coordinates: at },
    properties: {
      fid,
      id: i.id,
      layer: 'incidents',
      name: i.title,
      status: i.level ?? 'none',
      incidentId: i.id,
      title: i.title,
      level: i.level,
      incidentStatus: i.status,
      type: i.type,
      stationCode: i.place.stationCode,
      placeDesc: i.place.description,
      occurredAt: i.occurredAt,
      commander: i.commander,
    },
  };
}

export function evacuationFeature(e: IncidentEvacuation): MapFeature | undefined {
  const r = e.record;
  if (r.lat === null || r.lon === null) return undefined;
  const id = `${e.incidentId}/${r.stationCode}`;
  const fid = `evacuation:${id}`;
  return {
    type: 'Feature',
    id: fid,
    geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
    properties: {
      fid,
      id,
      layer: 'evacuation-zones',
      name: r.stationName,
      status: r.status,
      incidentId: e.incidentId,
      incidentTitle: e.incidentTitle,
      stationCode: r.stationCode,
      townCode: r.townCode,
      toMove: r.toMove,
      moved: r.moved,
      shelter: r.shelter,
      updatedAt: r.updatedAt,
    },
  };
}

/** Device health on the map (same hues as the devices page). */
export const DEVICE_STATE_COLORS = { online: '#22c55e', fault: '#f59e0b', offline: '#ef4444' } as const;

const ALERT_LEVELS: AlertLevel[] = ['red', 'orange', 'yellow', 'blue'];
const SENSOR_STATUSES: SensorStatus[] = ['danger', 'warn', 'normal', 'no-data'];

export function defineLayers(src: LayerSources): LayerDefinition[] {
  const places = (): PlaceResolver => {
    const byCode = new Map(src.stations().map((s) => [s.code, s]));
    return {
      districtCode: '441602',
      districtBoundary: () => src.districtBoundary(),
      placePoint: (code) => {
        const s = byCode.get(code);
        return s ? [s.lon, s.lat] : undefined;
      },
    };
  };
  return [
    {
      id: 'district-boundary',
      name: '区界',
      kind: 'polygon',
      legend: [{ label: '源城区界', color: BASEMAP_COLORS.districtOutline }],
      cluster: false,
      base: true,
      build: () => [
        {
          type: 'Feature',
          id: 'district:441602',
          geometry: src.districtBoundary(),
          properties: { fid: 'district:441602', id: '441602', layer: 'district-boundary', name: '源城区', status: 'district', code: '441602' },
        },
      ],
    },
    {
      id: 'places',
      name: '地名',
      kind: 'point',
      legend: [
        { label: '区', color: BASEMAP_COLORS.label, value: 'district' },
        { label: '镇街', color: BASEMAP_COLORS.label, value: 'town' },
        { label: '村居', color: BASEMAP_COLORS.label, value: 'village' },
      ],
      cluster: false,
      base: true,
      build: () => src.stations().map(placeFeature),
    },
    {
      id: 'stations',
      name: '站点',
      kind: 'point',
      legend: [
        { label: '在线', color: ONLINE_COLORS.online, value: 'online' },
        { label: '离线', color: ONLINE_COLORS.offline, value: 'offline' },
      ],
      cluster: false,
      base: false,
      // The district itself is the hall, not a field station.
      build: () => src.stations().filter((s) => s.level !== 'district').map(stationFeature),
    },
    {
      id: 'cameras',
      name: '视频监控',
      kind: 'point',
      legend: [
        { label: '在线（云台）', color: CAMERA_STATUS_COLORS.ptz, value: 'ptz' },
        { label: '在线（固定）', color: CAMERA_STATUS_COLORS.fixed, value: 'fixed' },
        { label: '离线', color: CAMERA_STATUS_COLORS.offline, value: 'offline' },
      ],
      cluster: true,
      base: false,
      build: () => src.cameras().map(cameraFeature),
    },
    {
      id: 'sensors',
      name: '监测设备',
      kind: 'point',
      legend: SENSOR_STATUSES.map((s) => ({ label: SENSOR_STATUS_LABELS[s], color: SENSOR_STATUS_COLORS[s], value: s })),
      cluster: true,
      base: false,
      build: () => {
        const latest = new Map(src.latestReadings().map((r) => [r.sensorId, r]));
        return src.sensors().map((s) => sensorFeature(s, latest.get(s.id)));
      },
    },
    {
      id: 'alerts',
      name: '预警区域',
      kind: 'mixed',
      legend: ALERT_LEVELS.map((l) => ({ label: ALERT_LEVEL_LABELS[l], color: ALERT_LEVEL_COLORS[l], value: l })),
      cluster: false,
      base: false,
      build: () => {
        const resolver = places();
        const now = src.now();
        return src
          .alerts()
          .filter((a) => alertIsActive(a, now))
          .flatMap((a) => {
            const { features, problems } = alertFeatures(a, resolver);
            problems.forEach((p) => src.onProblem?.(p));
            return features;
          });
      },
    },
    {
      id: 'devices',
      name: '预警终端',
      kind: 'point',
      legend: [
        { label: '在线', color: DEVICE_STATE_COLORS.online, value: 'online' },
        { label: '故障', color: DEVICE_STATE_COLORS.fault, value: 'fault' },
        { label: '离线', color: DEVICE_STATE_COLORS.offline, value: 'offline' },
      ],
      cluster: true,
      base: false,
      build: () => src.devices?.() ?? [],
    },
    {
      id: 'incidents',
      name: '突发事件',
      kind: 'point',
      legend: (['I', 'II', 'III', 'IV', 'none'] as const).map((l) => ({ label: INCIDENT_LEVEL_LABELS[l], color: INCIDENT_LEVEL_COLORS[l], value: l })),
      cluster: false,
      base: false,
      build: () => {
        const resolver = places();
        return (src.incidents?.() ?? []).flatMap((i) => {
          const at = incidentPoint(i, (code) => resolver.placePoint(code));
          if (!at) src.onProblem?.(`incident ${i.id}: no station, point or area to place it`);
          return at ? [incidentFeature(i, at)] : [];
        });
      },
    },
    slot('shelters', '避难场所', 'point', '#10b981'),
    slot('warehouses', '物资仓库', 'point', '#eab308'),
    slot('teams', '救援队伍', 'point', '#0ea5e9'),
    slot('hazmat-sites', '危化品企业', 'point', '#d946ef'),
    {
      id: 'evacuation-zones',
      name: '转移区域',
      kind: 'point',
      legend: (Object.keys(EVACUATION_STATUS_LABELS) as EvacuationStatus[]).map((s) => ({ label: EVACUATION_STATUS_LABELS[s], color: EVACUATION_STATUS_COLORS[s], value: s })),
      cluster: false,
      base: false,
      // A point per village record (villages have no drawn boundary yet), coloured by zone status.
      build: () => (src.evacuation?.() ?? []).flatMap((e) => evacuationFeature(e) ?? []),
    },
  ];
}

/** The definitions by id, checked to cover the contract's layer ids exactly once. */
export function layerRegistry(definitions: LayerDefinition[]): Map<MapLayerId, LayerDefinition> {
  const registry = new Map<MapLayerId, LayerDefinition>();
  for (const d of definitions) {
    if (registry.has(d.id)) throw new Error(`Map layer ${d.id} is defined twice`);
    registry.set(d.id, d);
  }
  const missing = MAP_LAYER_IDS.filter((id) => !registry.has(id));
  if (missing.length > 0) throw new Error(`Map layers of the contract without a definition: ${missing.join(', ')}`);
  return registry;
}
