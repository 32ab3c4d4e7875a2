/**
 * The console's configuration file (--config, YAML or JSON), validated with zod. Unknown keys
 * are errors, and every error names the key path and the problem. Everything has a default:
 * the console runs with no config file at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';

/** One configured basemap (map.basemaps[]): see the `map` key below. */
export const ConfigBasemap = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, - or _, at most 40')
      .refine((id) => id !== 'offline', { message: '"offline" is the built-in basemap' }),
    name: z.string().min(1).max(60),
    kind: z.enum(['xyz', 'style', 'pmtiles']),
    url: z.string().min(1).max(2000),
    datum: z.enum(['WGS-84', 'GCJ-02']).default('WGS-84'),
    attribution: z.string().max(500).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const problem = basemapUrlProblem(b.kind, b.url);
    if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
  });

/** Why a basemap URL does not fit its kind, or null. */
function basemapUrlProblem(kind: 'xyz' | 'style' | 'pmtiles', url: string): string | null {
  if (kind === 'pmtiles') {
    if (/^(pmtiles:\/\/)?https?:\/\//.test(url)) return null;
    // A local archive is served by the console itself (/basemaps/<id>.pmtiles): it must name one
    // file unambiguously, whatever the working directory of the console.
    const file = basemapFile({ kind, url });
    return file && path.isAbsolute(file) ? null : 'an http(s):// or pmtiles://http(s):// URL, a file:// URL or an absolute file path';
  }
  if (!/^https?:\/\//.test(url)) return `an http(s) URL for a ${kind} basemap`;
  if (kind === 'xyz' && !(url.includes('{z}') && url.includes('{x}') && (url.includes('{y}') || url.includes('{-y}')))) {
    return 'an XYZ tile URL template with {z}, {x} and {y}';
  }
  return null;
}

/**
 * The local file of a PMTiles basemap (`url` a file:// URL or a file path), or null when its
 * archive is fetched over http(s). The hosts serve only these files, by basemap id.
 */
export function basemapFile(b: { kind: string; url: string }): string | null {
  if (b.kind !== 'pmtiles' || /^(pmtiles:\/\/)?https?:\/\//.test(b.url)) return null;
  if (b.url.startsWith('file://')) {
    try {
      return fileURLToPath(b.url);
    } catch {
      return null;
    }
  }
  return b.url.includes('://') ? null : b.url;
}

export const ConfigSchema = z
  .object({
    /** Run with the built-in simulators and the demo accounts. */
    demo: z.boolean().default(false),
    console: z
      .object({
        /** Shown in the title bar and on the wall clock. */
        name: z.string().min(1).default('源城区应急指挥中心'),
        timeZone: z.string().default('Asia/Shanghai'),
      })
      .strict()
      .prefault({}),
    simulator: z
      .object({
        /** Demo mode: how often a demo village's link drops or comes back. */
        stationFlapSeconds: z.number().min(0.2).max(3600).default(12),
      })
      .strict()
      .prefault({}),
    /** The district platform (District Link v1). Absent: demo mode starts the simulator, live mode has no link. */
    upstream: z
      .object({
        /** Base URL of the platform's socket.io server, e.g. https://district.example:7700 (namespace /link is added). */
        url: z.url({ protocol: /^(https?|wss?)$/ }),
        token: z.string().min(1),
        /** This console's id at the platform (its actions and acknowledgements carry it). */
        consoleId: z.string().min(1).max(64),
      })
      .strict()
      .optional(),
    link: z
      .object({
        /** Raw sensor readings are kept this long, hourly min/max/avg this long. */
        rawRetentionDays: z.number().positive().max(3650).default(30),
        hourlyRetentionDays: z.number().positive().max(36500).default(730),
        /** Quarantined changes (failed validation) are kept this long for inspection. */
        quarantineRetentionDays: z.number().positive().max(3650).default(90),
        retentionIntervalMinutes: z.number().min(1).max(24 * 60).default(60),
        /** Reconnect backoff with jitter: from min to max (refusals such as a wrong token retry only at max). */
        reconnectMinMs: z.number().int().min(50).max(60_000).default(1_000),
        reconnectMaxMs: z.number().int().min(100).max(600_000).default(30_000),
        /** The link counts as offline after this many failed attempts or this long down. */
        offlineAfterAttempts: z.number().int().min(1).max(1000).default(5),
        offlineAfterMs: z.number().int().min(100).max(3_600_000).default(30_000),
        /** Answers to hello/subscribe/snapshot requests must come within this time. */
        requestTimeoutMs: z.number().int().min(100).max(300_000).default(15_000),
        /** An action without an acknowledgement within this time is re-sent later (same id). */
        actionAckTimeoutMs: z.number().int().min(100).max(300_000).default(10_000),
        snapshotPageSize: z.number().int().min(1).max(1000).default(500),
      })
      .strict()
      .prefault({}),
    map: z
      .object({
        /**
         * Optional basemaps, listed after the built-in offline one (which stays the default and the
         * fallback): XYZ raster tiles ({z}/{x}/{y} template, e.g. 天地图 with its key or a tile server
         * in the hall), a MapLibre style URL, or a local PMTiles file. `datum` is the datum the
         * tiles are drawn in (天地图: CGCS2000 ≈ WGS-84; Gaode/Tencent tiles: GCJ-02).
         */
        basemaps: z.array(ConfigBasemap).default([]).refine((list) => new Set(list.map((b) => b.id)).size === list.length, {
          message: 'basemap ids must be unique',
        }),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        /** An unacknowledged orange/red alert reminds the desk after this long… */
        remindAfterMinutes: z.number().min(0.05).max(24 * 60).default(5),
        /** …and notifies the commanders after this long. */
        notifyCommandersAfterMinutes: z.number().min(0.05).max(24 * 60).default(15),
        /** How often the reminders are checked. */
        reminderCheckSeconds: z.number().min(0.2).max(600).default(15),
      })
      .strict()
      .refine((a) => a.notifyCommandersAfterMinutes >= a.remindAfterMinutes, { message: 'notifyCommandersAfterMinutes must not be shorter than remindAfterMinutes' })
      .prefault({}),
    auth: z
      .object({
        sessionHours: z.number().positive().max(24 * 30).default(12),
        wallTokenDays: z.number().positive().max(3650).default(365),
        maxFailedLogins: z.number().int().min(1).max(100).default(5),
        lockoutMinutes: z.number().positive().max(24 * 60).default(15),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type HallConfig = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { path: string; problem: string }[],
  ) {
    super(`Invalid config ${file}:\n${problems.map((p) => `  - ${p.path}: ${p.problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseConfig(input: unknown, file = '(config)'): HallConfig {
  const result = ConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new ConfigError(
      file,
      result.error.issues.map((issue) => {
        const keyPath = issue.path.map(String).join('.');
        const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        if (unknownKeys.length > 0) {
          const prefix = keyPath ? `${keyPath}.` : '';
          return { path: unknownKeys.map((k) => prefix + k).join(', '), problem: 'unknown key' };
        }
        return { path: keyPath || '(root)', problem: issue.message };
      }),
    );
  }
  return result.data;
}

export function loadConfigFile(file: string): HallConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [{ path: '(file)', problem: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  let data: unknown;
  try {
    data = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : YAML.parse(text);
  } catch (error) {
    throw new ConfigError(file, [{ path: '(syntax)', problem: (error as Error).message.split('\n')[0] ?? 'unparseable' }]);
  }
  return parseConfig(data, file);
}
