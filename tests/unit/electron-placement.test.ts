import { describe, expect, it } from 'vitest';
import {
  centredIn,
  isReachable,
  placeWindows,
  toDisplayInfo,
  wantedWallScreens,
  type DisplayInfo,
  type Placement,
  type Rect,
  type RememberedDisplay,
} from '../../electron/main/placement';

function display(id: string, label: string, x: number, y = 0, width = 1920, height = 1080): DisplayInfo {
  const bounds: Rect = { x, y, width, height };
  return { id, label, bounds, workArea: { ...bounds, height: height - 40 }, scaleFactor: 1 };
}

function memory(d: DisplayInfo): RememberedDisplay {
  return { displayId: d.id, label: d.label, bounds: { ...d.bounds } };
}

/** screenId → display id, the essence of a placement. */
function map(p: Placement): Record<string, string> {
  return Object.fromEntries(p.walls.map((w) => [w.screenId, w.display.id]));
}

const desk = display('1', 'Built-in', 0);
const left = display('2', 'DELL P2422H', 1920);
const right = display('3', 'LG 27UL500', 3840);

describe('window placement', () => {
  it('two displays: the console on the primary, one wall on the other', () => {
    const p = placeWindows({ displays: [left, desk], primaryDisplayId: '1', remembered: new Map(), wallScreens: ['screen-1'] });
    expect(p.console?.id).toBe('1');
    expect(p.walls).toEqual([{ screenId: 'screen-1', display: left, matchedBy: 'order' }]);
    expect(p.unplaced).toEqual([]);
    expect(p.idle).toEqual([]);
  });

  it('one display: only the console, the wall screen is unplaced', () => {
    const p = placeWindows({ displays: [desk], primaryDisplayId: '1', remembered: new Map(), wallScreens: ['screen-1'] });
    expect(p.console?.id).toBe('1');
    expect(p.walls).toEqual([]);
    expect(p.unplaced).toEqual(['screen-1']);
  });

  it('no display at all (headless): no console display, everything unplaced', () => {
    const p = placeWindows({ displays: [], primaryDisplayId: '1', remembered: new Map(), wallScreens: ['screen-1'] });
    expect(p.console).toBeNull();
    expect(p.unplaced).toEqual(['screen-1']);
  });

  it('a primary id that is not in the list falls back to the leftmost display for the console', () => {
    const p = placeWindows({ displays: [right, left], primaryDisplayId: '99', remembered: new Map(), wallScreens: ['screen-1'] });
    expect(p.console?.id).toBe('2');
    expect(map(p)).toEqual({ 'screen-1': '3' });
  });

  it('remembered display ids win over the spatial order', () => {
    const remembered = new Map([
      ['screen-1', memory(right)],
      ['screen-2', memory(left)],
    ]);
    const p = placeWindows({ displays: [desk, left, right], primaryDisplayId: '1', remembered, wallScreens: ['screen-1', 'screen-2'] });
    expect(map(p)).toEqual({ 'screen-1': '3', 'screen-2': '2' });
    expect(p.walls.every((w) => w.matchedBy === 'display-id')).toBe(true);
  });

  it('one wall display removed: its screen is unplaced, the other stays where it was', () => {
    const remembered = new Map([
      ['screen-1', memory(left)],
      ['screen-2', memory(right)],
    ]);
    const p = placeWindows({ displays: [desk, right], primaryDisplayId: '1', remembered, wallScreens: ['screen-1', 'screen-2'] });
    expect(map(p)).toEqual({ 'screen-2': '3' });
    expect(p.walls[0]?.matchedBy).toBe('display-id');
    expect(p.unplaced).toEqual(['screen-1']);
  });

  it('a resolution change keeps the screen on its display, with the new bounds', () => {
    const remembered = new Map([['screen-1', memory(left)]]);
    const resized = display('2', 'DELL P2422H', 1920, 0, 2560, 1440);
    const p = placeWindows({ displays: [desk, resized], primaryDisplayId: '1', remembered, wallScreens: ['screen-1'] });
    expect(p.walls).toEqual([{ screenId: 'screen-1', display: resized, matchedBy: 'display-id' }]);
    expect(p.walls[0]?.display.bounds.width).toBe(2560);
  });

  it('a remembered display id that no longer exists falls back to the label', () => {
    const remembered = new Map([
      ['screen-1', memory(left)],
      ['screen-2', memory(right)],
    ]);
    // After a driver update the ids changed and the monitors were swapped on the desk.
    const lgNow = display('11', 'LG 27UL500', 1920);
    const dellNow = display('12', 'DELL P2422H', 3840);
    const p = placeWindows({ displays: [desk, lgNow, dellNow], primaryDisplayId: '1', remembered, wallScreens: ['screen-1', 'screen-2'] });
    expect(map(p)).toEqual({ 'screen-1': '12', 'screen-2': '11' });
    expect(p.walls.map((w) => w.matchedBy)).toEqual(['label', 'label']);
  });

  it('…then to identical bounds when the label is gone or changed', () => {
    const remembered = new Map([
      ['screen-1', memory(left)],
      ['screen-2', memory(right)],
    ]);
    // New ids and generic labels (e.g. an HDMI matrix in between): only the bounds still tell.
    const a = display('21', 'Unknown Display', 1920);
    const b = display('22', 'Unknown Display', 3840);
    const p = placeWindows({ displays: [desk, b, a], primaryDisplayId: '1', remembered, wallScreens: ['screen-2', 'screen-1'] });
    expect(map(p)).toEqual({ 'screen-1': '21', 'screen-2': '22' });
    expect(p.walls.every((w) => w.matchedBy === 'bounds')).toBe(true);
  });

  it('identical monitors sharing one label are told apart by their bounds, not by list order', () => {
    const w1 = display('31', 'BOE VIDEO WALL', 1920);
    const w2 = display('32', 'BOE VIDEO WALL', 3840);
    const remembered = new Map([
      ['screen-1', { displayId: 'gone-a', label: 'BOE VIDEO WALL', bounds: { ...w2.bounds } }],
      ['screen-2', { displayId: 'gone-b', label: 'BOE VIDEO WALL', bounds: { ...w1.bounds } }],
    ]);
    const p = placeWindows({ displays: [desk, w1, w2], primaryDisplayId: '1', remembered, wallScreens: ['screen-1', 'screen-2'] });
    expect(map(p)).toEqual({ 'screen-1': '32', 'screen-2': '31' });
  });

  it('a weaker match never takes a display another screen still knows by its id', () => {
    // screen-1 remembers a label that now belongs to the display screen-2 remembers by id.
    const remembered = new Map([
      ['screen-1', { displayId: 'gone', label: 'DELL P2422H', bounds: { x: 9999, y: 0, width: 800, height: 600 } }],
      ['screen-2', memory(left)],
    ]);
    const p = placeWindows({ displays: [desk, left, right], primaryDisplayId: '1', remembered, wallScreens: ['screen-1', 'screen-2'] });
    expect(map(p)).toEqual({ 'screen-1': '3', 'screen-2': '2' });
    expect(p.walls.find((w) => w.screenId === 'screen-1')?.matchedBy).toBe('order');
  });

  it('three walls on four displays (a 2×2 arrangement): left-to-right, then top-to-bottom', () => {
    const topRight = display('41', 'A', 1920, 0);
    const bottomLeft = display('42', 'A', 0, 1080);
    const bottomRight = display('43', 'A', 1920, 1080);
    const p = placeWindows({
      displays: [bottomRight, topRight, bottomLeft, desk],
      primaryDisplayId: '1',
      remembered: new Map(),
      wallScreens: ['screen-1', 'screen-2', 'screen-3'],
    });
    expect(p.console?.id).toBe('1');
    expect(map(p)).toEqual({ 'screen-1': '42', 'screen-2': '41', 'screen-3': '43' });
    expect(p.unplaced).toEqual([]);
    expect(p.idle).toEqual([]);
  });

  it('more displays than screens leaves the rest idle; more screens than displays, the last unplaced', () => {
    const many = placeWindows({ displays: [desk, left, right], primaryDisplayId: '1', remembered: new Map(), wallScreens: ['screen-1'] });
    expect(many.idle.map((d) => d.id)).toEqual(['3']);
    const few = placeWindows({ displays: [desk, left], primaryDisplayId: '1', remembered: new Map(), wallScreens: ['screen-1', 'screen-2', 'screen-1'] });
    expect(map(few)).toEqual({ 'screen-1': '2' });
    expect(few.unplaced).toEqual(['screen-2']);
  });

  it('a remembered display that became the primary is taken by the console, and the wall moves on', () => {
    const remembered = new Map([['screen-1', memory(left)]]);
    const p = placeWindows({ displays: [desk, left, right], primaryDisplayId: '2', remembered, wallScreens: ['screen-1'] });
    expect(p.console?.id).toBe('2');
    expect(map(p)).toEqual({ 'screen-1': '1' });
  });

  it('is stable: the same input always gives the same placement, whatever the list order', () => {
    const input = { primaryDisplayId: '1', remembered: new Map<string, RememberedDisplay>(), wallScreens: ['screen-1', 'screen-2'] };
    const a = placeWindows({ ...input, displays: [desk, left, right] });
    const b = placeWindows({ ...input, displays: [right, desk, left] });
    expect(map(a)).toEqual(map(b));
  });
});

describe('placement helpers', () => {
  it('converts Electron displays with numeric ids to string ids', () => {
    const info = toDisplayInfo({ id: 2528732444, label: 'X', bounds: { x: 0, y: 0, width: 10, height: 10 }, workArea: { x: 0, y: 0, width: 10, height: 9 }, scaleFactor: 2, internal: false });
    expect(info.id).toBe('2528732444');
    expect(info.internal).toBe(false);
  });

  it('asks for every remembered screen plus one per extra display, in numeric order', () => {
    expect(wantedWallScreens(2, [])).toEqual(['screen-1', 'screen-2']);
    expect(wantedWallScreens(0, [])).toEqual([]);
    expect(wantedWallScreens(1, ['screen-10', 'screen-3'])).toEqual(['screen-1', 'screen-3', 'screen-10']);
    // The wall's configured screen ids name the extra displays in order; beyond them, screen-<n>.
    expect(wantedWallScreens(3, [], ['wall-1', 'wall-2'])).toEqual(['screen-3', 'wall-1', 'wall-2']);
  });

  it('knows a window that is off every display and centres one in a work area', () => {
    expect(isReachable({ x: 100, y: 100, width: 800, height: 600 }, [desk])).toBe(true);
    expect(isReachable({ x: 5000, y: 100, width: 800, height: 600 }, [desk])).toBe(false);
    expect(isReachable({ x: 1900, y: 100, width: 800, height: 600 }, [desk])).toBe(false);
    expect(centredIn({ x: 1920, y: 0, width: 1920, height: 1040 }, { width: 1600, height: 1000 })).toEqual({ x: 2080, y: 20, width: 1600, height: 1000 });
    expect(centredIn({ x: 0, y: 0, width: 1280, height: 680 }, { width: 1600, height: 1000 })).toEqual({ x: 0, y: 0, width: 1280, height: 680 });
  });
});
