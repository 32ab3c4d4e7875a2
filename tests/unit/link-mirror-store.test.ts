/**
 * Guards the mirror store: a batch and its cursor commit together (or not at all), duplicates
 * and re-applied batches change nothing, out-of-order seqs within a batch apply in seq order,
 * bad items are quarantined while the cursor moves past them, stations update the built-in
 * places without losing them, and a snapshot replaces exactly the link's entities.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EpochMismatchError } from '../../electron/core/link/mirror-store';
import { referencePlaces } from '../../electron/core/stations/places-seed';
import { splitBatch } from '../../electron/core/link/validate';
import { AT, TOWN, VILLAGE, alert, camera, del, mirrorDump, mirrorOnDisk, notice, readingChange, sensor, station, upsert } from '../fixtures/link-data';

const E = 'epoch-1';

describe('applyBatch', () => {
  it('applies every kind and moves the cursor to the highest seq, in one commit', () => {
    const { store, stations } = mirrorOnDisk();
    const summary = store.applyBatch(
      E,
      [
        upsert(1, 'station', VILLAGE, station(VILLAGE)),
        upsert(2, 'camera', 'cam-1', camera()),
        upsert(3, 'sensor', 'rain-1', sensor()),
        readingChange(4, 'rain-1', '2025-06-01T08:05:00+08:00', 12.5),
        upsert(5, 'alert', 'al-1', alert('al-1')),
        upsert(6, 'notice', 'n-1', notice()),
      ],
      [],
    );
    expect(summary).toMatchObject({ appliedTo: 6, duplicates: 0, quarantined: 0, counts: { station: 1, camera: 1, sensor: 1, reading: 1, alert: 1, notice: 1 } });
    expect(summary.latestReadings).toEqual([{ sensorId: 'rain-1', value: 12.5, at: '2025-06-01T00:05:00.000Z' }]);
    expect(store.cursor()).toMatchObject({ epoch: E, seq: 6 });
    expect(stations.get(VILLAGE)).toMatchObject({ source: 'link', parentCode: TOWN, dutyPerson: { name: '黄伟明', phone: '13900000000' }, lastContact: AT });
    expect(store.cameras.list()).toEqual([expect.objectContaining({ id: 'cam-1', name: '东江大桥', streams: { hls: 'http://cam.example/1.m3u8' } })]);
    expect(store.sensors.list({ type: 'rain' })).toEqual([expect.objectContaining({ id: 'rain-1', thresholds: { warn: 30, danger: 50 } })]);
    expect(store.alerts.get('al-1')).toMatchObject({ source: 'link', level: 'yellow', headline: '源城区暴雨黄色预警', stationCode: TOWN });
    expect(store.notices.list()).toEqual([expect.objectContaining({ id: 'n-1', from: '河源市应急管理局', at: AT })]);
  });

  it('is idempotent: the same batch twice, or a change re-sent, leaves the same state', () => {
    const { db, store } = mirrorOnDisk();
    const batch = [upsert(1, 'sensor', 'rain-1', sensor()), readingChange(2, 'rain-1', '2025-06-01T08:05:00+08:00', 3), upsert(3, 'camera', 'cam-1', camera())];
    store.applyBatch(E, batch, []);
    const once = mirrorDump(db);
    const again = store.applyBatch(E, batch, []);
    expect(again).toMatchObject({ appliedTo: 3, duplicates: 3, counts: {} });
    expect(mirrorDump(db)).toEqual(once);
    // The same upsert applied under a new seq (the platform re-sent it) changes nothing either.
    store.applyBatch(E, [{ ...batch[1]!, seq: 4 }, { ...batch[2]!, seq: 5 }], []);
    const after = mirrorDump(db);
    expect({ ...after, link_state: [] }).toEqual({ ...once, link_state: [] });
    expect(db.prepare('SELECT n, sum FROM readings_hourly').all()).toEqual([{ n: 1, sum: 3 }]);
  });

  it('skips duplicates inside a batch and applies out-of-order seqs in seq order', () => {
    const { store } = mirrorOnDisk();
    const summary = store.applyBatch(
      E,
      [upsert(3, 'camera', 'cam-1', camera({ name: 'third' })), upsert(1, 'camera', 'cam-1', camera({ name: 'first' })), upsert(2, 'camera', 'cam-1', camera({ name: 'second' })), upsert(3, 'camera', 'cam-1', camera({ name: 'third' }))],
      [],
    );
    expect(summary).toMatchObject({ appliedTo: 3, duplicates: 1 });
    expect(store.cameras.list()[0]?.name).toBe('third');
    expect(store.applyBatch(E, [upsert(2, 'camera', 'cam-1', camera({ name: 'stale' }))], [])).toMatchObject({ appliedTo: 3, duplicates: 1 });
    expect(store.cameras.list()[0]?.name).toBe('third');
  });

  it('removes on delete', () => {
    const { store } = mirrorOnDisk();
    store.applyBatch(E, [upsert(1, 'camera', 'cam-1', camera()), upsert(2, 'alert', 'al-1', alert('al-1')), upsert(3, 'notice', 'n-1', notice()), upsert(4, 'sensor', 's-1', sensor()), readingChange(5, 's-1', AT, 1)], []);
    store.applyBatch(E, [del(6, 'camera', 'cam-1'), del(7, 'alert', 'al-1'), del(8, 'notice', 'n-1'), del(9, 'sensor', 's-1')], []);
    expect(store.cameras.list()).toEqual([]);
    expect(store.alerts.get('al-1')).toBeUndefined();
    expect(store.notices.list()).toEqual([]);
    expect(store.sensors.list()).toEqual([]);
    expect(store.readings.latest()).toEqual([]); // a sensor that is gone takes its readings
    expect(store.cursor().seq).toBe(9);
  });

  it('quarantines invalid changes with the reason and the raw payload, and moves the cursor past them', () => {
    const { store } = mirrorOnDisk();
    const raw = [
      upsert(1, 'camera', 'cam-1', camera()),
      { seq: 2, kind: 'camera', op: 'upsert', id: 'cam-2', at: AT, data: { ...camera(), lat: 123 } },
      { seq: 3, kind: 'drone', op: 'upsert', id: 'd-1', at: AT, data: {} },
      { kind: 'camera', op: 'upsert' },
      upsert(4, 'camera', 'cam-4', camera()),
    ];
    const { valid, invalid, maxSeq } = splitBatch(raw);
    expect(maxSeq).toBe(4);
    const summary = store.applyBatch(E, valid, invalid);
    expect(summary).toMatchObject({ appliedTo: 4, quarantined: 3 });
    expect(store.cameras.list().map((c) => c.id)).toEqual(['cam-1', 'cam-4']);
    const items = store.quarantine.list();
    expect(items).toHaveLength(3);
    expect(items.find((q) => q.seq === 2)).toMatchObject({ kind: 'camera', itemId: 'cam-2', epoch: E, reason: expect.stringMatching(/camera cam-2: lat/) as unknown });
    expect(JSON.parse(items.find((q) => q.seq === 2)!.raw)).toEqual(raw[1]);
    expect(items.find((q) => q.seq === 3)?.reason).toBe('unknown kind "drone"');
    expect(items.find((q) => q.seq === null)?.reason).toMatch(/^envelope: /);
    expect(store.quarantineCount()).toBe(3);
    // Re-sent, the bad items are duplicates: quarantined once.
    store.applyBatch(E, valid, invalid.filter((q) => q.seq !== null));
    expect(store.quarantineCount()).toBe(3);
  });

  it('truncates a huge raw payload to 64 KiB in quarantine', () => {
    const { store } = mirrorOnDisk();
    const big = { seq: 1, kind: 'notice', op: 'upsert', id: 'n-big', at: AT, data: { title: '', body: 'x'.repeat(200_000), from: 'f' } };
    const { invalid } = splitBatch([big]);
    store.applyBatch(E, [], invalid);
    const [item] = store.quarantine.list();
    expect(item!.raw.length).toBeLessThanOrEqual(64 * 1024);
    expect(item!.raw).toMatch(/truncated \d+ of \d+ characters\]$/);
  });

  it('leaves the cursor and every change of the batch unapplied when the batch fails mid-way', () => {
    const { db, store } = mirrorOnDisk();
    store.applyBatch(E, [upsert(1, 'camera', 'cam-1', camera())], []);
    const before = mirrorDump(db);
    // The third change hits a missing table: not a data problem the item can be blamed for.
    db.exec('ALTER TABLE notices RENAME TO notices_away');
    expect(() => store.applyBatch(E, [upsert(2, 'camera', 'cam-2', camera()), upsert(3, 'sensor', 's-1', sensor()), upsert(4, 'notice', 'n-1', notice()), upsert(5, 'camera', 'cam-5', camera())], [])).toThrow(
      /no such table: notices/,
    );
    db.exec('ALTER TABLE notices_away RENAME TO notices');
    expect(store.cursor().seq).toBe(1);
    expect(mirrorDump(db)).toEqual(before);
  });

  it('quarantines a change the database refuses and keeps the rest of the batch', () => {
    const { store } = mirrorOnDisk();
    // Valid on the wire, but contradicting itself: the station id is not its code.
    const summary = store.applyBatch(E, [upsert(1, 'station', VILLAGE, station('441602001002')), upsert(2, 'camera', 'cam-1', camera())], []);
    expect(summary).toMatchObject({ appliedTo: 2, quarantined: 1 });
    expect(store.quarantine.list()[0]).toMatchObject({ seq: 1, reason: expect.stringMatching(/differs from its code/) as unknown });
    expect(store.cameras.list()).toHaveLength(1);
  });

  it('refuses a batch of another epoch (a snapshot is needed) and adopts the first epoch of a fresh mirror', () => {
    const { store } = mirrorOnDisk();
    store.applyBatch(E, [upsert(1, 'camera', 'cam-1', camera())], []);
    expect(() => store.applyBatch('epoch-2', [upsert(2, 'camera', 'cam-2', camera())], [])).toThrow(EpochMismatchError);
    expect(store.cursor()).toMatchObject({ epoch: E, seq: 1 });
    const fresh = mirrorOnDisk().store;
    fresh.adoptEpoch('epoch-9');
    expect(fresh.cursor()).toMatchObject({ epoch: 'epoch-9', seq: 0 });
  });
});

describe('stations from the link', () => {
  it('update the built-in towns in place and keep them when the platform deletes them', () => {
    const { store, stations } = mirrorOnDisk();
    const builtIn = stations.get(TOWN)!;
    store.applyBatch(E, [upsert(1, 'station', TOWN, station(TOWN, { name: '上城街道', level: 'town', parentCode: undefined, online: false, lat: 23.7351 }))], []);
    expect(stations.get(TOWN)).toMatchObject({ source: 'builtin', online: false, lat: 23.7351, parentCode: '441602', lastContact: AT, dutyPerson: { name: '黄伟明' } });
    store.applyBatch(E, [del(2, 'station', TOWN)], []);
    expect(stations.get(TOWN)).toMatchObject({ code: TOWN, source: 'builtin', online: false, parentCode: '441602' });
    expect(stations.get(TOWN)?.lastContact).toBeUndefined();
    expect(stations.get(TOWN)?.dutyPerson).toBeUndefined();
    expect(stations.get(TOWN)?.name).toBe(builtIn.name);
  });

  it('keep what the platform said across the start-up refresh of the built-in places', () => {
    const { store, stations } = mirrorOnDisk();
    store.applyBatch(E, [upsert(1, 'station', TOWN, station(TOWN, { name: '上城街道（平台）', level: 'town', lat: 23.7351, parentCode: undefined }))], []);
    stations.upsertMany(referencePlaces());
    expect(stations.get(TOWN)).toMatchObject({ name: '上城街道（平台）', lat: 23.7351 });
  });

  it('link a child to its parent whichever arrives first, and remove a link-sourced station on delete', () => {
    const { store, stations } = mirrorOnDisk();
    const newTown = '441602102000';
    const child = '441602102201';
    store.applyBatch(E, [upsert(1, 'station', child, station(child, { parentCode: newTown })), upsert(2, 'station', newTown, station(newTown, { level: 'town', parentCode: undefined }))], []);
    expect(stations.get(child)).toMatchObject({ parentCode: newTown, source: 'link' });
    expect(stations.get(newTown)).toMatchObject({ parentCode: '441602', source: 'link', level: 'town' });
    store.applyBatch(E, [del(3, 'station', newTown)], []);
    expect(stations.get(newTown)).toBeUndefined();
    expect(stations.get(child)?.parentCode).toBeUndefined();
    store.applyBatch(E, [upsert(4, 'station', newTown, station(newTown, { level: 'town', parentCode: undefined }))], []);
    expect(stations.get(child)?.parentCode).toBe(newTown);
  });
});

describe('replaceMirror', () => {
  it('replaces the link entities in one transaction, keeps built-in places, drops link-only stations that are gone', () => {
    const { db, store, stations } = mirrorOnDisk();
    const goneVillage = '441602001099';
    store.applyBatch(
      E,
      [
        upsert(1, 'station', goneVillage, station(goneVillage)),
        upsert(2, 'station', TOWN, station(TOWN, { level: 'town', parentCode: undefined, online: false })),
        upsert(3, 'camera', 'cam-old', camera()),
        upsert(4, 'sensor', 's-old', sensor()),
        readingChange(5, 's-old', AT, 1),
        upsert(6, 'sensor', 's-kept', sensor()),
        readingChange(7, 's-kept', '2025-06-01T07:00:00+08:00', 2),
        upsert(8, 'alert', 'al-old', alert('al-old')),
        upsert(9, 'notice', 'n-old', notice()),
      ],
      [],
    );
    // A locally raised alert (a later issue's source 'manual') is not the link's to replace.
    db.prepare(
      `INSERT INTO alerts (id, source, level, type, headline, sent, sent_ms, status, msg_type, cap, updated_at) VALUES ('mine', 'manual', 'red', 'flood', 'h', ?, 0, 'Actual', 'Alert', ?, ?)`,
    ).run(AT, JSON.stringify(alert('mine')), AT);
    const summary = store.replaceMirror('epoch-2', 500, 'district-1', [
      { kind: 'station', valid: [upsert(500, 'station', VILLAGE, station(VILLAGE))], invalid: [] },
      { kind: 'camera', valid: [upsert(500, 'camera', 'cam-new', camera())], invalid: [] },
      { kind: 'sensor', valid: [upsert(500, 'sensor', 's-kept', sensor())], invalid: [] },
      { kind: 'reading', valid: [readingChange(500, 's-kept', '2025-06-01T06:00:00+08:00', 9)], invalid: [] },
      { kind: 'alert', valid: [upsert(500, 'alert', 'al-new', alert('al-new'))], invalid: [{ seq: null, kind: 'alert', itemId: 'al-bad', reason: 'snapshot alert: info', raw: { id: 'al-bad' } }] },
      { kind: 'notice', valid: [], invalid: [] },
    ]);
    expect(summary).toMatchObject({ appliedTo: 500, quarantined: 1 });
    expect(store.cursor()).toMatchObject({ epoch: 'epoch-2', seq: 500, serverId: 'district-1' });
    expect(stations.get(goneVillage)).toBeUndefined();
    expect(stations.get(VILLAGE)).toMatchObject({ source: 'link' });
    expect(stations.get(TOWN)).toMatchObject({ source: 'builtin', online: false }); // built-in town kept…
    expect(stations.get(TOWN)?.lastContact).toBeUndefined(); // …but the link no longer speaks for it
    expect(stations.list({ level: 'town' })).toHaveLength(8);
    expect(store.cameras.list().map((c) => c.id)).toEqual(['cam-new']);
    expect(store.sensors.list().map((s) => s.id)).toEqual(['s-kept']);
    expect(store.alerts.list().map((a) => a.id).sort()).toEqual(['al-new', 'mine']);
    expect(store.notices.list()).toEqual([]);
    // Readings are history: kept for the sensor that stays, gone with the one that went;
    // the latest value is the snapshot's word.
    expect(store.readings.latest()).toEqual([{ sensorId: 's-kept', value: 9, at: '2025-05-31T22:00:00.000Z' }]);
    expect(db.prepare(`SELECT count(*) AS n FROM readings WHERE sensor_id = 's-old'`).get()).toEqual({ n: 0 });
    expect(db.prepare(`SELECT count(*) AS n FROM readings WHERE sensor_id = 's-kept'`).get()).toEqual({ n: 2 });
  });

  it('changes nothing when it fails half-way', () => {
    const { db, store } = mirrorOnDisk();
    store.applyBatch(E, [upsert(1, 'camera', 'cam-1', camera())], []);
    const before = mirrorDump(db);
    db.exec('ALTER TABLE notices RENAME TO notices_away');
    expect(() =>
      store.replaceMirror('epoch-2', 9, 'd', [
        { kind: 'camera', valid: [upsert(9, 'camera', 'cam-2', camera())], invalid: [] },
        { kind: 'notice', valid: [upsert(9, 'notice', 'n', notice())], invalid: [] },
      ]),
    ).toThrow(/no such table/);
    db.exec('ALTER TABLE notices_away RENAME TO notices');
    expect(mirrorDump(db)).toEqual(before);
  });
});

describe('the store on disk', () => {
  it('keeps the cursor and the mirror across a reopen', () => {
    const { db, file, store } = mirrorOnDisk();
    store.applyBatch(E, [upsert(1, 'camera', 'cam-1', camera()), upsert(2, 'notice', 'n-1', notice())], []);
    const copy = new Database(file, { readonly: true });
    try {
      expect(copy.prepare('SELECT epoch, cursor FROM link_state').get()).toEqual({ epoch: E, cursor: 2 });
      expect(copy.prepare('SELECT count(*) AS n FROM cameras').get()).toEqual({ n: 1 });
    } finally {
      copy.close();
    }
    expect(db.open).toBe(true);
  });
});
