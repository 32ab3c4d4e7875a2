/** GCJ-02 ↔ WGS-84 (shared/map/coords.ts) against published points, and its round trip. */
import { describe, expect, it } from 'vitest';
import { convertCoordinates, convertPosition, gcj02ToWgs84, outOfChina, wgs84ToGcj02 } from '../../shared/map';

describe('WGS-84 → GCJ-02', () => {
  it('shifts Tiananmen (WGS-84 39.9087, 116.3975) to about 39.9101, 116.4037', () => {
    const [lon, lat] = wgs84ToGcj02(116.3975, 39.9087);
    expect(lon).toBeCloseTo(116.40374, 4);
    expect(Math.abs(lat - 39.91014)).toBeLessThan(1e-4);
    // The offset is hundreds of metres, not zero.
    expect(Math.abs(lon - 116.3975)).toBeGreaterThan(0.005);
  });

  it('matches the published example of the reference implementation to 1e-9°', () => {
    // coordtransform's README: wgs84togcj02(116.404, 39.915) → [116.41024449916938, 39.91640428150164]
    const [lon, lat] = wgs84ToGcj02(116.404, 39.915);
    expect(Math.abs(lon - 116.41024449916938)).toBeLessThan(1e-9);
    expect(Math.abs(lat - 39.91640428150164)).toBeLessThan(1e-9);
  });

  it('leaves points outside China unchanged', () => {
    expect(outOfChina(-0.1276, 51.5072)).toBe(true);
    expect(wgs84ToGcj02(-0.1276, 51.5072)).toEqual([-0.1276, 51.5072]);
    expect(gcj02ToWgs84(151.2093, -33.8688)).toEqual([151.2093, -33.8688]);
    expect(outOfChina(114.7, 23.74)).toBe(false);
  });
});

describe('GCJ-02 → WGS-84', () => {
  it('inverts the forward shift to within 1e-6° (Tiananmen, Heyuan, the district edges)', () => {
    for (const [lon, lat] of [
      [116.3975, 39.9087],
      [114.696828, 23.746255],
      [114.528286, 23.6688],
      [121.4737, 31.2304],
      [87.6168, 43.8256],
    ] as const) {
      const [gLon, gLat] = wgs84ToGcj02(lon, lat);
      const [wLon, wLat] = gcj02ToWgs84(gLon, gLat);
      expect(Math.abs(wLon - lon), `${lon},${lat}`).toBeLessThan(1e-6);
      expect(Math.abs(wLat - lat), `${lon},${lat}`).toBeLessThan(1e-6);
    }
  });

  it('brings GCJ-02 Tiananmen back to WGS-84 within 1e-5°', () => {
    const [lon, lat] = gcj02ToWgs84(...wgs84ToGcj02(116.3975, 39.9087));
    expect(Math.abs(lon - 116.3975)).toBeLessThan(1e-5);
    expect(Math.abs(lat - 39.9087)).toBeLessThan(1e-5);
  });

  it('converts nested coordinates of a polygon and is the identity for the same datum', () => {
    const ring = [
      [114.6, 23.7],
      [114.7, 23.7],
      [114.7, 23.8],
      [114.6, 23.7],
    ];
    const converted = convertCoordinates([[ring]], 'GCJ-02', 'WGS-84');
    expect(converted[0]![0]!).toHaveLength(4);
    expect(converted[0]![0]![1]).toEqual(convertPosition([114.7, 23.7], 'GCJ-02', 'WGS-84'));
    expect(converted[0]![0]![1]![0]).toBeLessThan(114.7);
    expect(convertCoordinates(ring, 'WGS-84', 'WGS-84')).toBe(ring);
  });
});
