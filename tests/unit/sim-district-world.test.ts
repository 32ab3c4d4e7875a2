import { describe, expect, it } from 'vitest';
import { ENTITY_SCHEMAS, IsoTime, LinkAlert, type LinkSensor, type LinkStation } from '../../shared/district-link/protocol';
import { demoVillages, referencePlaces } from '../../electron/core/stations/places-seed';
import { World, type ChangeDraft } from '../../electron/core/sim/district/world';
import { nextLevel } from '../../electron/core/sim/district/alerts';

const T0 = Date.parse('2024-06-08T06:00:00+08:00');

function world(seed = 441602): World {
  return new World({ seed, videoBase: 'http://127.0.0.1:7300/video', readingRate: 5 }, T0);
}

function expectValid(drafts: ChangeDraft[]): void {
  for (const d of drafts) {
    expect(IsoTime.safeParse(d.at).success, `${d.kind} ${d.id} at ${d.at}`).toBe(true);
    expect(d.at.endsWith('+08:00')).toBe(true);
    if (d.op === 'delete') continue;
    const parsed = ENTITY_SCHEMAS[d.kind].safeParse(d.data);
    expect(parsed.success, `${d.kind} ${d.id}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  }
}

/** Run the world with synthetic time: `seconds` of wall clock in steps of `stepMs`. */
function run(w: World, fromMs: number, seconds: number, stepMs = 500): ChangeDraft[] {
  const out: ChangeDraft[] = [];
  for (let t = fromMs + stepMs; t <= fromMs + seconds * 1000; t += stepMs) out.push(...w.step(t, stepMs));
  return out;
}

describe('the simulated district', () => {
  it('holds the console’s 8 towns/streets and 68 demo villages as stations, with duty persons', () => {
    const stations = world().initialChanges(T0).filter((d) => d.kind === 'station').map((d) => d.data as LinkStation);
    const towns = referencePlaces().filter((p) => p.level === 'town');
    expect(stations.filter((s) => s.level === 'town').map((s) => s.code)).toEqual(towns.map((t) => t.code));
    expect(stations.filter((s) => s.level === 'village').map((s) => [s.code, s.name, s.parentCode])).toEqual(demoVillages().map((v) => [v.code, v.name, v.parentCode]));
    expect(stations).toHaveLength(8 + 68);
    for (const s of stations) expect(s.dutyPerson?.phone).toMatch(/^139\d{8}$/);
  });

  it('generates entities that all validate, cameras with streams under the video base, and sensors of every type', () => {
    const drafts = world().initialChanges(T0);
    expectValid(drafts);
    const cameras = drafts.filter((d) => d.kind === 'camera');
    expect(cameras.length).toBeGreaterThanOrEqual(16 + 20);
    for (const c of cameras) {
      expect(c.id).toMatch(/^\d{20}$/); // GB/T 28181 device ids
      expect((c.data as { streams: { hls: string } }).streams.hls).toBe(`http://127.0.0.1:7300/video/${c.id}/index.m3u8`);
    }
    expect(cameras.some((c) => (c.data as { codec: string }).codec === 'h265')).toBe(true);
    expect(cameras.some((c) => (c.data as { ptz: boolean }).ptz)).toBe(true);
    const sensors = drafts.filter((d) => d.kind === 'sensor').map((d) => d.data as LinkSensor);
    const byType = (t: LinkSensor['type']) => sensors.filter((s) => s.type === t);
    expect(byType('gas')).toHaveLength(24);
    expect(byType('gas').filter((s) => s.name.includes('液氨'))).toHaveLength(1);
    expect(byType('river').map((s) => s.name)).toEqual(expect.arrayContaining(['东江河源水文站', '新丰江源西段水位站']));
    expect(byType('river').find((s) => s.name === '东江河源水文站')!.thresholds).toEqual({ warn: 34, danger: 36.5 });
    expect(byType('waterlog').every((s) => s.unit === 'cm')).toBe(true);
    expect(byType('fire').map((s) => s.stationCode).sort()).toEqual(['441602100000', '441602100000', '441602100000', '441602100000', '441602101000', '441602101000', '441602101000', '441602101000']);
    for (const t of ['rain', 'reservoir'] as const) expect(byType(t).length).toBeGreaterThan(0);
    expect(new Set(sensors.map((s) => s.name)).size).toBe(sensors.length);
  });

  it('is the same district for the same seed (a restart finds the same ids)', () => {
    const ids = (w: World) => w.initialChanges(T0).filter((d) => d.kind !== 'notice').map((d) => d.id);
    expect(ids(world(7))).toEqual(ids(world(7)));
  });

  it('produces readings at the configured rate, with unique ids, and keeps quiet in calm weather', () => {
    const w = world();
    w.setReadingRate(10);
    const drafts = run(w, T0, 60);
    expectValid(drafts);
    const readings = drafts.filter((d) => d.kind === 'reading');
    expect(readings).toHaveLength(600);
    expect(new Set(readings.map((r) => r.id)).size).toBe(600);
    // Rivers near their normal level, far below 警戒: no flood alert on a calm morning.
    expect(drafts.filter((d) => d.kind === 'alert' && (d.data as LinkAlert).local.type === 'flood')).toHaveLength(0);
  });

  it('raises CAP alerts in a 龙舟水 storm that escalate with references and clear with a Cancel', () => {
    const w = world();
    w.setReadingRate(0); // only the storm's 加报 reports: every station every 5 simulated minutes
    const drafts = [...w.startStorm('dragon-boat', 6, 60, T0), ...run(w, T0, 60 * 1.15, 250)];
    expectValid(drafts);
    const alerts = drafts.filter((d) => d.kind === 'alert').map((d) => d.data as LinkAlert);
    for (const a of alerts) {
      expect(LinkAlert.safeParse(a).success).toBe(true);
      expect(a.sender).toBe('yuancheng-platform@demo');
      expect(a.info[0]!.area[0]!.circle![0]).toMatch(/^\d+\.\d+,\d+\.\d+ [\d.]+$/);
      expect(a.info[0]!.area[0]!.geocode![0]!.value).toBe(a.local.stationCode);
    }
    const types = new Set(alerts.map((a) => a.local.type));
    expect(types).toEqual(new Set(['rainstorm', 'waterlog', 'flood', 'reservoir']));
    expect(alerts.some((a) => a.local.level === 'red' && a.info[0]!.severity === 'Extreme')).toBe(true);
    // Per sensor, episodes: an Alert, Updates referencing it, a Cancel referencing it; the
    // storm ends with every episode cancelled (龙舟水 comes in pulses, so there may be several).
    for (const sensorId of new Set(alerts.map((a) => a.local.sensorId))) {
      let opened: LinkAlert | null = null;
      for (const a of alerts.filter((x) => x.local.sensorId === sensorId)) {
        if (!opened) {
          expect(a.msgType).toBe('Alert');
          opened = a;
          continue;
        }
        expect(a.msgType).not.toBe('Alert');
        expect(a.references).toContain(`yuancheng-platform@demo,${opened.identifier},${opened.sent}`);
        if (a.msgType === 'Cancel') opened = null;
      }
      expect(opened, `${sensorId} left an open alert after the storm`).toBeNull();
    }
    const notices = drafts.filter((d) => d.kind === 'notice').map((d) => (d.data as { from: string; title: string }).title);
    expect(notices).toEqual(expect.arrayContaining(['关于做好“龙舟水”强降雨防御工作的通知', '关于结束防汛应急响应的通知']));
    expect(w.stormStatus(T0 + 70_000)).toBeNull();
  });

  it('issues a district-wide typhoon warning in a typhoon, escalating and cancelled at the end', () => {
    const w = world();
    w.setReadingRate(0);
    const drafts = [...w.startStorm('typhoon', 12, 30, T0), ...run(w, T0, 30 * 1.15, 250)];
    const typhoon = drafts.filter((d) => d.kind === 'alert').map((d) => d.data as LinkAlert).filter((a) => a.local.type === 'typhoon');
    expect(typhoon.map((a) => `${a.msgType}:${a.local.level}`)).toEqual(['Alert:blue', 'Update:yellow', 'Update:orange', 'Update:yellow', 'Update:blue', 'Cancel:blue']);
    expect(typhoon.every((a) => a.info[0]!.event === '台风' && LinkAlert.safeParse(a).success)).toBe(true);
  });

  it('moves levels with hysteresis, so a reading on the line does not flap', () => {
    const t = { warn: 30, danger: 50 };
    expect(nextLevel(t, 10, null)).toBeNull();
    expect(nextLevel(t, 26, null)).toBe('blue');
    expect(nextLevel(t, 31, 'blue')).toBe('yellow');
    expect(nextLevel(t, 29.5, 'yellow')).toBe('yellow'); // within the 2 mm hysteresis
    expect(nextLevel(t, 27, 'yellow')).toBe('blue');
    expect(nextLevel(t, 76, null)).toBe('red');
    expect(nextLevel(t, 3, 'red')).toBeNull();
  });

  it('lets a scenario switch stations and cameras and delete entities, which then stay gone', () => {
    const w = world();
    const village = w.catalogue.stations.find((s) => s.level === 'village')!;
    expect(w.setOnline(village.code, false, T0).data).toMatchObject({ code: village.code, online: false });
    const sensor = w.catalogue.sensors[0]!;
    expect(w.remove('sensor', sensor.id, T0)).toMatchObject({ kind: 'sensor', op: 'delete', id: sensor.id });
    w.setReadingRate(50);
    expect(run(w, T0, 10).filter((d) => d.kind === 'reading' && (d.data as { sensorId: string }).sensorId === sensor.id)).toHaveLength(0);
    expect(() => w.remove('reading', 'x', T0)).toThrow(/never deleted/);
  });
});
