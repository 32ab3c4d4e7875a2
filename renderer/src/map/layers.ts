/**
 * The operational layers of the map: one entry per layer says which MapLibre layers draw it, how
 * they are styled and what the legend shows. Adding a layer (the later issues' shelters,
 * warehouses, …) is one entry here; the panel, toggles, counts and data flow follow from it.
 * The map ships no glyphs and its style has no `glyphs` key, so maplibre-gl draws symbol text
 * locally with TinySDF in the CSS families of `text-font` (no request): cluster counts use that.
 */
import type { LayerSpecification } from 'maplibre-gl';
import type { MapLayerId } from '../../../shared/contract';
import { EVACUATION_COLORS, EVACUATION_STATUSES, INCIDENT_LEVEL_COLORS, levelColor } from '../incidents/rules';

export interface LegendRow {
  /** The `properties.status` value drawn in this colour. */
  value: string;
  color: string;
}

export interface OperationalLayer {
  id: MapLayerId;
  /** false: a slot a later issue fills; shown greyed in the panel. */
  available: boolean;
  cluster: boolean;
  visibleByDefault: boolean;
  legend: LegendRow[];
  /** The MapLibre layers that draw it (all on the source `src-<id>`). */
  mapLayers: LayerSpecification[];
}

export const COLORS = {
  online: '#34d67f',
  offline: '#ff5c61',
  ptz: '#b98cff',
  fixed: '#3db4ff',
  normal: '#34d67f',
  warn: '#ffb547',
  danger: '#ff5c61',
  'no-data': '#7f92b0',
  blue: '#3d8bff',
  yellow: '#ffe14d',
  orange: '#ff9640',
  red: '#ff3b48',
  fault: '#ffb547',
} as const;

const byStatus = (rows: LegendRow[], fallback = '#7f92b0') => ['match', ['get', 'status'], ...rows.flatMap((r) => [r.value, r.color]), fallback] as unknown as string;

export const sourceId = (layer: MapLayerId) => `src-${layer}`;

/** The CJK families of the HTML labels (theme.css --font); maplibre renders them locally (TinySDF). */
export const LOCAL_TEXT_FONT = ['Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', 'sans-serif'];

function points(id: MapLayerId, legend: LegendRow[], radius: number, stroke: string, cluster: boolean): LayerSpecification[] {
  const source = sourceId(id);
  const layers: LayerSpecification[] = [];
  if (cluster) {
    layers.push(
      { id: `${id}-cluster-halo`, type: 'circle', source, filter: ['has', 'point_count'], paint: { 'circle-color': legend[0]!.color, 'circle-opacity': 0.18, 'circle-radius': ['step', ['get', 'point_count'], 18, 10, 24, 50, 32] } },
      { id: `${id}-cluster`, type: 'circle', source, filter: ['has', 'point_count'], paint: { 'circle-color': '#0e192b', 'circle-radius': ['step', ['get', 'point_count'], 11, 10, 15, 50, 20], 'circle-stroke-color': legend[0]!.color, 'circle-stroke-width': 3 } },
      // The count: text drawn locally (TinySDF, no glyphs key in the style), never fetched.
      {
        id: `${id}-cluster-count`,
        type: 'symbol',
        source,
        filter: ['has', 'point_count'],
        layout: {
          'text-field': ['get', 'point_count_abbreviated'],
          'text-font': LOCAL_TEXT_FONT,
          'text-size': ['step', ['get', 'point_count'], 12, 10, 13, 50, 15],
          'text-allow-overlap': true,
          'text-ignore-placement': true,
        },
        paint: { 'text-color': '#ffffff' },
      },
    );
  }
  layers.push({
    id: `${id}-point`,
    type: 'circle',
    source,
    ...(cluster ? { filter: ['!', ['has', 'point_count']] } : {}),
    paint: {
      'circle-color': byStatus(legend),
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, radius, 15, radius * 1.8],
      'circle-stroke-color': stroke,
      'circle-stroke-width': 2,
    },
  });
  return layers;
}

const alertLegend: LegendRow[] = [
  { value: 'red', color: COLORS.red },
  { value: 'orange', color: COLORS.orange },
  { value: 'yellow', color: COLORS.yellow },
  { value: 'blue', color: COLORS.blue },
];

/** Incidents by response level, most severe first; 'none' before a level is set. */
const incidentLegend: LegendRow[] = [
  { value: 'I', color: INCIDENT_LEVEL_COLORS.I },
  { value: 'II', color: INCIDENT_LEVEL_COLORS.II },
  { value: 'III', color: INCIDENT_LEVEL_COLORS.III },
  { value: 'IV', color: INCIDENT_LEVEL_COLORS.IV },
  { value: 'none', color: levelColor(null) },
];

/** Villages by zone status, in the incidents room's colours (关注 blue … 演练 grey). */
const evacuationLegend: LegendRow[] = EVACUATION_STATUSES.map((value) => ({ value, color: EVACUATION_COLORS[value] }));

const slot = (id: MapLayerId): OperationalLayer => ({ id, available: false, cluster: false, visibleByDefault: false, legend: [], mapLayers: [] });

export const OPERATIONAL_LAYERS: readonly OperationalLayer[] = [
  {
    id: 'alerts',
    available: true,
    cluster: false,
    visibleByDefault: true,
    legend: alertLegend,
    mapLayers: [
      { id: 'alerts-fill', type: 'fill', source: sourceId('alerts'), filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': byStatus(alertLegend), 'fill-opacity': 0.22 } },
      { id: 'alerts-outline', type: 'line', source: sourceId('alerts'), filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'line-color': byStatus(alertLegend), 'line-width': 2.5, 'line-dasharray': [3, 1.5] } },
      { id: 'alerts-point', type: 'circle', source: sourceId('alerts'), filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': byStatus(alertLegend), 'circle-opacity': 0.35, 'circle-radius': 22, 'circle-stroke-color': byStatus(alertLegend), 'circle-stroke-width': 2.5 } },
    ],
  },
  {
    // A zone round each village of an incident's evacuation, under the stations that mark it.
    id: 'evacuation-zones',
    available: true,
    cluster: false,
    visibleByDefault: true,
    legend: evacuationLegend,
    mapLayers: [
      {
        id: 'evacuation-zones-point',
        type: 'circle',
        source: sourceId('evacuation-zones'),
        paint: {
          'circle-color': byStatus(evacuationLegend),
          'circle-opacity': 0.4,
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 12, 15, 30],
          'circle-stroke-color': byStatus(evacuationLegend),
          'circle-stroke-width': 3,
        },
      },
    ],
  },
  {
    id: 'stations',
    available: true,
    cluster: false,
    visibleByDefault: true,
    legend: [
      { value: 'online', color: COLORS.online },
      { value: 'offline', color: COLORS.offline },
    ],
    mapLayers: points('stations', [{ value: 'online', color: COLORS.online }, { value: 'offline', color: COLORS.offline }], 5, '#0a1322', false),
  },
  {
    id: 'sensors',
    available: true,
    cluster: true,
    visibleByDefault: true,
    legend: [
      { value: 'normal', color: COLORS.normal },
      { value: 'warn', color: COLORS.warn },
      { value: 'danger', color: COLORS.danger },
      { value: 'no-data', color: COLORS['no-data'] },
    ],
    mapLayers: points('sensors', [{ value: 'normal', color: COLORS.normal }, { value: 'warn', color: COLORS.warn }, { value: 'danger', color: COLORS.danger }, { value: 'no-data', color: COLORS['no-data'] }], 5, '#e7ecf5', true),
  },
  {
    id: 'cameras',
    available: true,
    cluster: true,
    visibleByDefault: true,
    legend: [
      { value: 'fixed', color: COLORS.fixed },
      { value: 'ptz', color: COLORS.ptz },
      { value: 'offline', color: COLORS.offline },
    ],
    mapLayers: points('cameras', [{ value: 'fixed', color: COLORS.fixed }, { value: 'ptz', color: COLORS.ptz }, { value: 'offline', color: COLORS.offline }], 6, '#ffffff', true),
  },
  {
    id: 'devices',
    available: true,
    cluster: true,
    visibleByDefault: false,
    legend: [
      { value: 'online', color: COLORS.online },
      { value: 'fault', color: COLORS.fault },
      { value: 'offline', color: COLORS.offline },
    ],
    mapLayers: points('devices', [{ value: 'online', color: COLORS.online }, { value: 'fault', color: COLORS.fault }, { value: 'offline', color: COLORS.offline }], 5, '#ffe14d', true),
  },
  {
    // On top of everything: where an incident is, ringed in its level's colour.
    id: 'incidents',
    available: true,
    cluster: false,
    visibleByDefault: true,
    legend: incidentLegend,
    mapLayers: [
      {
        id: 'incidents-halo',
        type: 'circle',
        source: sourceId('incidents'),
        paint: { 'circle-color': byStatus(incidentLegend), 'circle-opacity': 0.25, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 18, 15, 32] },
      },
      {
        id: 'incidents-point',
        type: 'circle',
        source: sourceId('incidents'),
        paint: {
          'circle-color': byStatus(incidentLegend),
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 9, 15, 15],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 3,
        },
      },
    ],
  },
  slot('shelters'),
  slot('warehouses'),
  slot('teams'),
  slot('hazmat-sites'),
];

export const AVAILABLE_LAYERS = OPERATIONAL_LAYERS.filter((l) => l.available);

/** The visibility of every MapLibre layer for the operator's toggles. */
export function layerVisibility(visible: Readonly<Partial<Record<MapLayerId, boolean>>>, layers: readonly OperationalLayer[] = OPERATIONAL_LAYERS): Record<string, 'visible' | 'none'> {
  const out: Record<string, 'visible' | 'none'> = {};
  for (const layer of layers) {
    const on = layer.available && (visible[layer.id] ?? layer.visibleByDefault);
    for (const mapLayer of layer.mapLayers) out[mapLayer.id] = on ? 'visible' : 'none';
  }
  return out;
}

/** Which MapLibre layers answer a click, topmost first. */
export const CLICKABLE_LAYERS = ['incidents-point', 'incidents-halo', 'devices-point', 'cameras-point', 'sensors-point', 'stations-point', 'evacuation-zones-point', 'alerts-point', 'alerts-fill', 'cameras-cluster', 'sensors-cluster', 'devices-cluster'];
