/** CAP area ↔ geometry (shared/map/cap-area.ts): closed rings, ≥ 4 points, radius in km, errors. */
import { describe, expect, it } from 'vitest';
import {
  CapAreaError,
  circleToRing,
  distanceKm,
  formatCapCircle,
  formatCapPolygon,
  parseCapCircle,
  parseCapPolygon,
  ringToCircle,
  type LonLat,
} from '../../shared/map';

const TRIANGLE = '23.70,114.60 23.80,114.70 23.70,114.75 23.70,114.60';

describe('CAP polygon → GeoJSON ring', () => {
  it('swaps "lat,lon" into [lon, lat] and keeps the ring closed', () => {
    const ring = parseCapPolygon(TRIANGLE);
    expect(ring).toEqual([
      [114.6, 23.7],
      [114.7, 23.8],
      [114.75, 23.7],
      [114.6, 23.7],
    ]);
    expect(ring[0]).toEqual(ring.at(-1));
  });

  it('accepts any whitespace between pairs', () => {
    expect(parseCapPolygon(`  ${TRIANGLE.replace(/ /g, '\n\t ')}  `)).toHaveLength(4);
  });

  it.each([
    ['', 'empty'],
    ['23.7,114.6 23.8,114.7 23.7,114.6', 'at least 4'],
    ['23.7,114.6 23.8,114.7 23.7,114.75 23.71,114.6', 'not closed'],
    ['23.7,114.6 23.8;114.7 23.7,114.75 23.7,114.6', 'point 2 "23.8;114.7"'],
    ['23.7,114.6 91,114.7 23.7,114.75 23.7,114.6', 'latitude 91'],
    ['23.7,114.6 23.8,181 23.7,114.75 23.7,114.6', 'longitude 181'],
    ['23.7,114.6 23.8,114.7 23.7,114.6 23.7,114.6', 'encloses no area'],
    ['0,0 1,1 0,1 1,0 0,0', 'crosses itself'],
  ])('rejects %j naming the problem (%s)', (text, problem) => {
    expect(() => parseCapPolygon(text)).toThrow(CapAreaError);
    expect(() => parseCapPolygon(text)).toThrow(problem);
  });
});

describe('GeoJSON ring → CAP polygon', () => {
  it('round-trips, closing an open ring from the draw tool', () => {
    const open: LonLat[] = [
      [114.6, 23.7],
      [114.7, 23.8],
      [114.75, 23.7],
    ];
    const text = formatCapPolygon(open);
    expect(text).toBe('23.7,114.6 23.8,114.7 23.7,114.75 23.7,114.6');
    expect(parseCapPolygon(text)).toEqual([...open, open[0]]);
  });

  it('rounds to 6 decimals and still closes exactly', () => {
    const text = formatCapPolygon([
      [114.60000012, 23.70000049],
      [114.7, 23.8],
      [114.75, 23.7],
      [114.6000001, 23.7000004],
    ]);
    const pairs = text.split(' ');
    expect(pairs).toHaveLength(4);
    expect(pairs[0]).toBe(pairs[3]);
  });

  it('refuses a drawn line or a bow tie', () => {
    expect(() =>
      formatCapPolygon([
        [114.6, 23.7],
        [114.7, 23.8],
      ]),
    ).toThrow(/at least 4/);
    expect(() =>
      formatCapPolygon([
        [0, 0],
        [1, 1],
        [1, 0],
        [0, 1],
      ]),
    ).toThrow(/crosses itself/);
  });
});

describe('CAP circle', () => {
  it('parses "lat,lon radius" with the radius in km and formats it back', () => {
    const circle = parseCapCircle('23.746255,114.696828 15');
    expect(circle).toEqual({ center: [114.696828, 23.746255], radiusKm: 15 });
    expect(formatCapCircle(circle)).toBe('23.746255,114.696828 15');
    expect(parseCapCircle(formatCapCircle({ center: [114.7, 23.74], radiusKm: 2.5 }))).toEqual({ center: [114.7, 23.74], radiusKm: 2.5 });
  });

  it.each([
    ['23.7,114.6', 'is not "lat,lon radius"'],
    ['23.7,114.6 abc', 'not a number of kilometres'],
    ['23.7,114.6 0', 'greater than 0'],
    ['23.7,114.6 -3', 'greater than 0'],
    ['99,114.6 3', 'latitude 99'],
    ['23.7,114.6 25000', 'larger than'],
  ])('rejects %j (%s)', (text, problem) => {
    expect(() => parseCapCircle(text)).toThrow(CapAreaError);
    expect(() => parseCapCircle(text)).toThrow(problem);
  });

  it('approximates a circle as a closed 64-gon whose corners are radius km from the centre', () => {
    const circle = { center: [114.7, 23.74] as LonLat, radiusKm: 3 };
    const ring = circleToRing(circle);
    expect(ring).toHaveLength(65);
    expect(ring[0]).toEqual(ring[64]);
    for (const corner of ring) expect(distanceKm(circle.center, corner)).toBeCloseTo(3, 6);
    // A valid CAP polygon too (the draw tool can send either form).
    expect(parseCapPolygon(formatCapPolygon(ring))).toHaveLength(65);
  });

  it('recovers centre and radius (km) from its polygon approximation', () => {
    const back = ringToCircle(circleToRing({ center: [114.7, 23.74], radiusKm: 12.5 }, 64));
    expect(back.radiusKm).toBeCloseTo(12.5, 2);
    expect(back.center[0]).toBeCloseTo(114.7, 3);
    expect(back.center[1]).toBeCloseTo(23.74, 3);
  });
});
