/**
 * Guards the configuration file: everything has a default, YAML and JSON parse, and every
 * error (unknown key, wrong type, out of range, unreadable file, syntax) is a ConfigError whose
 * message names the file, the key path and the problem.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUTH_SETTINGS } from '../../electron/core/auth/auth-service';
import { ConfigError, loadConfigFile, parseConfig } from '../../electron/core/config/config';
import { tempDir } from '../fixtures/core-helpers';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function writeConfig(name: string, text: string): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, text);
  return file;
}

describe('defaults', () => {
  it('needs no file: every setting has a default', () => {
    const expected = {
      demo: false,
      console: { name: '源城区应急指挥中心', timeZone: 'Asia/Shanghai' },
      simulator: { stationFlapSeconds: 12, devices: true, seedWarnings: true, seedIncident: true, terminalSpeed: 1, smsReportMs: 4_000, deviceTroubleMinutes: 3 },
      link: {
        rawRetentionDays: 30,
        hourlyRetentionDays: 730,
        quarantineRetentionDays: 90,
        retentionIntervalMinutes: 60,
        reconnectMinMs: 1_000,
        reconnectMaxMs: 30_000,
        offlineAfterAttempts: 5,
        offlineAfterMs: 30_000,
        requestTimeoutMs: 15_000,
        actionAckTimeoutMs: 10_000,
        snapshotPageSize: 500,
      },
      map: { basemaps: [] },
      alerts: { remindAfterMinutes: 5, notifyCommandersAfterMinutes: 15, reminderCheckSeconds: 15 },
      wall: { screens: [], takeoverSceneId: 'emergency', takeoverLevels: ['red'], webAllowlist: [] },
      video: { ptzSafetyStopSeconds: 10 },
      warnings: { audioHost: '127.0.0.1', audioPort: 0, attempts: 3, retryMinSeconds: 2, retryMaxSeconds: 60, smsConfirmMinutes: 10, playSlackSeconds: 120 },
      devices: [],
      auth: DEFAULT_AUTH_SETTINGS,
    };
    expect(parseConfig({})).toEqual(expected);
    expect(parseConfig(undefined)).toEqual(expected);
    expect(parseConfig(null)).toEqual(expected);
  });

  it('fills what a file leaves out', () => {
    const config = parseConfig({ auth: { maxFailedLogins: 3 } });
    expect(config.auth).toEqual({ ...DEFAULT_AUTH_SETTINGS, maxFailedLogins: 3 });
    expect(config.console.name).toBe('源城区应急指挥中心');
  });
});

describe('files', () => {
  it('parses YAML (.yaml and .yml)', () => {
    const text = 'demo: true\nconsole:\n  name: 源城区应急指挥中心（演练）\nauth:\n  sessionHours: 8\n  lockoutMinutes: 30\n';
    for (const name of ['hall.yaml', 'hall.yml']) {
      const config = loadConfigFile(writeConfig(name, text));
      expect(config.demo).toBe(true);
      expect(config.console).toEqual({ name: '源城区应急指挥中心（演练）', timeZone: 'Asia/Shanghai' });
      expect(config.auth).toEqual({ ...DEFAULT_AUTH_SETTINGS, sessionHours: 8, lockoutMinutes: 30 });
    }
  });

  it('parses JSON', () => {
    const file = writeConfig('hall.json', JSON.stringify({ auth: { wallTokenDays: 90 }, console: { timeZone: 'UTC' } }));
    const config = loadConfigFile(file);
    expect(config.auth.wallTokenDays).toBe(90);
    expect(config.console.timeZone).toBe('UTC');
    expect(config.demo).toBe(false);
  });

  it('takes an empty YAML file as all defaults', () => {
    expect(loadConfigFile(writeConfig('empty.yaml', ''))).toEqual(parseConfig({}));
  });
});

describe('errors name the key and the problem', () => {
  it('an unknown key at the top', () => {
    const error = configError(() => loadConfigFile(writeConfig('hall.yaml', 'demo: true\nport: 7300\n')));
    expect(error.problems).toEqual([{ path: 'port', problem: 'unknown key' }]);
    expect(error.message).toContain('port: unknown key');
  });

  it('an unknown nested key, with its full path', () => {
    const file = writeConfig('hall.yaml', 'auth:\n  sessionHours: 8\n  sesionHours: 9\n');
    const error = configError(() => loadConfigFile(file));
    expect(error.problems).toEqual([{ path: 'auth.sesionHours', problem: 'unknown key' }]);
    expect(error.message).toContain(file);
    expect(error.message).toContain('auth.sesionHours: unknown key');
    expect(error.name).toBe('ConfigError');
  });

  it('a wrong type', () => {
    const error = configError(() => loadConfigFile(writeConfig('hall.json', '{"auth": {"sessionHours": "twelve"}, "demo": "yes"}')));
    const byPath = new Map(error.problems.map((p) => [p.path, p.problem]));
    expect([...byPath.keys()].sort()).toEqual(['auth.sessionHours', 'demo']);
    expect(byPath.get('auth.sessionHours')).toMatch(/expected number/);
    expect(byPath.get('demo')).toMatch(/expected boolean/);
    expect(error.message).toMatch(/auth\.sessionHours: .*expected number/);
  });

  it('a value out of range', () => {
    const error = configError(() => parseConfig({ auth: { maxFailedLogins: 0, lockoutMinutes: -5 } }, 'hall.yaml'));
    expect(error.problems.map((p) => p.path).sort()).toEqual(['auth.lockoutMinutes', 'auth.maxFailedLogins']);
    for (const p of error.problems) expect(p.problem).toMatch(/>=?\s*1|>\s*0|too small/i);
    expect(error.message).toContain('hall.yaml');
  });

  it('a file whose top level is not a mapping', () => {
    const error = configError(() => loadConfigFile(writeConfig('hall.yaml', '- demo\n- true\n')));
    expect(error.problems).toEqual([{ path: '(root)', problem: expect.stringMatching(/expected object/) as unknown }]);
  });
});

describe('files that cannot be used', () => {
  it('a missing file is a clear error naming it', () => {
    const file = path.join(tempDir(), 'no-such.yaml');
    const error = configError(() => loadConfigFile(file));
    expect(error.problems).toEqual([{ path: '(file)', problem: 'cannot be read: ENOENT' }]);
    expect(error.message).toContain(file);
  });

  it('a directory instead of a file is a clear error', () => {
    const dir = tempDir();
    const error = configError(() => loadConfigFile(dir));
    expect(error.problems).toEqual([{ path: '(file)', problem: 'cannot be read: EISDIR' }]);
  });

  it('a YAML syntax error names the file and where', () => {
    const file = writeConfig('hall.yaml', 'auth:\n  sessionHours: 8\n   lockoutMinutes: [1,\n');
    const error = configError(() => loadConfigFile(file));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.path).toBe('(syntax)');
    expect(error.problems[0]?.problem).toMatch(/line \d+/);
    expect(error.message).toContain(file);
  });

  it('a JSON syntax error names the file', () => {
    const file = writeConfig('hall.json', '{"demo": true,}');
    const error = configError(() => loadConfigFile(file));
    expect(error.problems).toEqual([{ path: '(syntax)', problem: expect.stringMatching(/JSON|Unexpected|Expected/) as unknown }]);
    expect(error.message).toContain(file);
  });
});
