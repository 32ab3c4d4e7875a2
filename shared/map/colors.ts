/**
 * Colours and status rules of the map's layers, shared by the core (legends, `status` property)
 * and the renderer (MapLibre `match` expressions on `status`). Chosen for a dark wall background:
 * saturated mid-tones, and grey always means "no data / offline", never a level.
 */

export type SensorStatus = 'normal' | 'warn' | 'danger' | 'no-data';

export interface Thresholds {
  warn?: number | undefined;
  danger?: number | undefined;
}

/**
 * A sensor's status from its latest value: at or above `danger` → danger, at or above `warn` →
 * warn, otherwise normal; no value → no-data. All six sensor kinds (rain, river, reservoir,
 * waterlog, fire, gas) alarm on high values. A sensor without thresholds is normal when it reports.
 */
export function sensorStatus(value: number | null | undefined, thresholds: Thresholds | undefined): SensorStatus {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'no-data';
  if (thresholds?.danger !== undefined && value >= thresholds.danger) return 'danger';
  if (thresholds?.warn !== undefined && value >= thresholds.warn) return 'warn';
  return 'normal';
}

export const SENSOR_STATUS_COLORS: Record<SensorStatus, string> = {
  normal: '#22c55e',
  warn: '#f59e0b',
  danger: '#ef4444',
  'no-data': '#6b7280',
};

export const SENSOR_STATUS_LABELS: Record<SensorStatus, string> = {
  normal: '正常',
  warn: '超警戒',
  danger: '超危险',
  'no-data': '无数据',
};

export function sensorColor(value: number | null | undefined, thresholds: Thresholds | undefined): string {
  return SENSOR_STATUS_COLORS[sensorStatus(value, thresholds)];
}

export type AlertLevel = 'blue' | 'yellow' | 'orange' | 'red';

/** The four warning-signal colours of the national standard (蓝/黄/橙/红). */
export const ALERT_LEVEL_COLORS: Record<AlertLevel, string> = {
  blue: '#3b82f6',
  yellow: '#eab308',
  orange: '#f97316',
  red: '#dc2626',
};

export const ALERT_LEVEL_LABELS: Record<AlertLevel, string> = {
  blue: '蓝色预警',
  yellow: '黄色预警',
  orange: '橙色预警',
  red: '红色预警',
};

export const ONLINE_COLORS = { online: '#22c55e', offline: '#6b7280' } as const;

export type CameraStatus = 'ptz' | 'fixed' | 'offline';
export const CAMERA_STATUS_COLORS: Record<CameraStatus, string> = { ptz: '#a855f7', fixed: '#38bdf8', offline: '#6b7280' };

export function cameraStatus(camera: { online: boolean; ptz: boolean }): CameraStatus {
  if (!camera.online) return 'offline';
  return camera.ptz ? 'ptz' : 'fixed';
}

/** Basemap colours, also used by resources/map/offline-style.json (keep them in step). */
export const BASEMAP_COLORS = {
  background: '#0b1220',
  districtFill: '#13233b',
  districtOutline: '#4fa3ff',
  label: '#dbe7f5',
  labelHalo: '#0b1220',
} as const;
