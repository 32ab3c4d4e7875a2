import type { Migration } from '../migrate';

/**
 * Sensor readings: raw values (kept 30 days by default), hourly min/max/sum/n (2 years), and the
 * latest value per sensor, all maintained in the transaction that inserts a reading.
 * Times are epoch milliseconds (UTC); `hour_ms` is the start of the UTC hour.
 */
export const m0050: Migration = {
  version: 50,
  name: 'readings',
  up(db) {
    db.exec(`
      CREATE TABLE readings (
        sensor_id TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (sensor_id, at_ms)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX readings_at ON readings(at_ms);

      CREATE TABLE readings_hourly (
        sensor_id TEXT NOT NULL,
        hour_ms INTEGER NOT NULL CHECK (hour_ms % 3600000 = 0),
        min REAL NOT NULL,
        max REAL NOT NULL,
        sum REAL NOT NULL,
        n INTEGER NOT NULL CHECK (n > 0),
        PRIMARY KEY (sensor_id, hour_ms)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX readings_hourly_hour ON readings_hourly(hour_ms);

      CREATE TABLE readings_latest (
        sensor_id TEXT PRIMARY KEY,
        at_ms INTEGER NOT NULL,
        value REAL NOT NULL
      ) STRICT;
    `);
  },
};
