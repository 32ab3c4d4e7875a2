/**
 * The situation report's map snapshot: an inline SVG drawn from the district boundary the map
 * serves (WGS-84), the towns' seats, the incident's place, the evacuation villages coloured by
 * zone status and the open alerts' points. No tiles, no network: it prints the same offline.
 */
import type { EvacuationStatus, MapGeometry } from '../../../shared/contract';
import { ALERT_LEVEL_COLORS } from '../../../shared/map';
import { escapeHtml } from './html';

export const ZONE_COLORS: Record<EvacuationStatus, string> = {
  watch: '#2563eb',
  prepare: '#f59e0b',
  evacuate: '#dc2626',
  'shelter-in-place': '#9333ea',
  lifted: '#16a34a',
  drill: '#6b7280',
};

export interface MapSnapshotInput {
  boundary: MapGeometry;
  towns: { name: string; lat: number; lon: number }[];
  incident: { lat: number; lon: number; label: string } | null;
  /** CAP-style polygons of the incident's area, as [lon, lat] rings. */
  area: [number, number][][];
  villages: { name: string; lat: number; lon: number; status: EvacuationStatus }[];
  alerts: { lat: number; lon: number; level: 'blue' | 'yellow' | 'orange' | 'red' }[];
}

const W = 640;
const H = 460;
const PAD = 16;

function rings(g: MapGeometry): [number, number][][] {
  if (g.type === 'Polygon') return g.coordinates;
  if (g.type === 'MultiPolygon') return g.coordinates.flat();
  return [];
}

export function mapSnapshotSvg(m: MapSnapshotInput): string {
  const outline = rings(m.boundary);
  const all = outline.flat();
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [lon, lat] of all) [minLon, minLat, maxLon, maxLat] = [Math.min(minLon, lon), Math.min(minLat, lat), Math.max(maxLon, lon), Math.max(maxLat, lat)];
  if (!Number.isFinite(minLon)) [minLon, minLat, maxLon, maxLat] = [114.55, 23.55, 114.85, 23.9];
  // Equirectangular with the latitude's cosine: at 23.7° N a degree of longitude is 0.92 of one of latitude.
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const scale = Math.min((W - 2 * PAD) / ((maxLon - minLon) * k), (H - 2 * PAD) / (maxLat - minLat));
  const x = (lon: number) => PAD + (lon - minLon) * k * scale;
  const y = (lat: number) => H - PAD - (lat - minLat) * scale;
  const path = (ring: [number, number][]) => `M${ring.map(([lon, lat]) => `${x(lon).toFixed(1)},${y(lat).toFixed(1)}`).join('L')}Z`;

  const parts: string[] = [];
  parts.push(`<path d="${outline.map(path).join('')}" fill="#eef2f7" stroke="#334155" stroke-width="1.5" fill-rule="evenodd"/>`);
  for (const a of m.area) parts.push(`<path d="${path(a)}" fill="rgba(220,38,38,0.15)" stroke="#dc2626" stroke-dasharray="4 3"/>`);
  for (const t of m.towns) {
    parts.push(`<circle cx="${x(t.lon).toFixed(1)}" cy="${y(t.lat).toFixed(1)}" r="2.5" fill="#475569"/>`);
    parts.push(`<text x="${(x(t.lon) + 4).toFixed(1)}" y="${(y(t.lat) - 4).toFixed(1)}" font-size="11" fill="#334155">${escapeHtml(t.name)}</text>`);
  }
  for (const v of m.villages) {
    parts.push(`<circle cx="${x(v.lon).toFixed(1)}" cy="${y(v.lat).toFixed(1)}" r="5" fill="${ZONE_COLORS[v.status]}" stroke="#fff" stroke-width="1"><title>${escapeHtml(v.name)}</title></circle>`);
  }
  for (const a of m.alerts) {
    const [cx, cy] = [x(a.lon), y(a.lat)];
    parts.push(`<path d="M${cx.toFixed(1)},${(cy - 6).toFixed(1)}L${(cx + 5).toFixed(1)},${(cy + 4).toFixed(1)}L${(cx - 5).toFixed(1)},${(cy + 4).toFixed(1)}Z" fill="${ALERT_LEVEL_COLORS[a.level]}" stroke="#1f2937" stroke-width="0.8"/>`);
  }
  if (m.incident) {
    const [cx, cy] = [x(m.incident.lon), y(m.incident.lat)];
    const star = Array.from({ length: 10 }, (_, i) => {
      const r = i % 2 === 0 ? 11 : 4.5;
      const a = (Math.PI / 5) * i - Math.PI / 2;
      return `${(cx + r * Math.cos(a)).toFixed(1)},${(cy + r * Math.sin(a)).toFixed(1)}`;
    });
    parts.push(`<polygon points="${star.join(' ')}" fill="#dc2626" stroke="#7f1d1d" stroke-width="1"/>`);
    parts.push(`<text x="${(cx + 12).toFixed(1)}" y="${(cy + 4).toFixed(1)}" font-size="12" font-weight="bold" fill="#7f1d1d">${escapeHtml(m.incident.label)}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${parts.join('')}</svg>`;
}
