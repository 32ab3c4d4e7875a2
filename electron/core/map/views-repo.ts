/** Custom named map views (table map_views, migration 0070). Built-in views are in views.ts. */
import { randomUUID } from 'node:crypto';
import type { MapView } from '../../../shared/contract';
import { all, one, run, type Db } from '../db/database';
import { sql } from '../db/sql';

interface ViewRow {
  id: string;
  name: string;
  center_lon: number;
  center_lat: number;
  zoom: number;
  bearing: number;
  pitch: number;
  created_by: string | null;
  created_at: string;
}

function toView(r: ViewRow): MapView {
  return {
    id: r.id,
    name: r.name,
    kind: 'custom',
    center: [r.center_lon, r.center_lat],
    zoom: r.zoom,
    bearing: r.bearing,
    pitch: r.pitch,
    builtIn: false,
    ...(r.created_by ? { createdBy: r.created_by } : {}),
    createdAt: r.created_at,
  };
}

export interface NewView {
  name: string;
  center: [number, number];
  zoom: number;
  bearing?: number | undefined;
  pitch?: number | undefined;
}

export class MapViewsRepo {
  constructor(private readonly db: Db) {}

  list(): MapView[] {
    return all<ViewRow>(this.db, sql`SELECT * FROM map_views ORDER BY name`).map(toView);
  }

  get(id: string): MapView | undefined {
    const row = one<ViewRow>(this.db, sql`SELECT * FROM map_views WHERE id = ${id}`);
    return row ? toView(row) : undefined;
  }

  /** Insert, or replace the view that has the same name (keeping its id). */
  save(view: NewView, by: string | null, now: Date): MapView {
    const [lon, lat] = view.center;
    run(
      this.db,
      sql`INSERT INTO map_views (id, name, center_lon, center_lat, zoom, bearing, pitch, created_by, created_at)
          VALUES (${randomUUID()}, ${view.name}, ${lon}, ${lat}, ${view.zoom}, ${view.bearing ?? 0}, ${view.pitch ?? 0}, ${by}, ${now.toISOString()})
          ON CONFLICT (name) DO UPDATE SET center_lon = excluded.center_lon, center_lat = excluded.center_lat, zoom = excluded.zoom,
            bearing = excluded.bearing, pitch = excluded.pitch, created_by = excluded.created_by, created_at = excluded.created_at`,
    );
    const row = one<ViewRow>(this.db, sql`SELECT * FROM map_views WHERE name = ${view.name}`);
    if (!row) throw new Error(`map view "${view.name}" vanished after saving`);
    return toView(row);
  }

  delete(id: string): boolean {
    return run(this.db, sql`DELETE FROM map_views WHERE id = ${id}`).changes > 0;
  }
}
