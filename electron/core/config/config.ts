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
import { WallScreen } from '../../../shared/contract/wall';

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

/** One camera steered over a Pelco-D serial line, as the PTZ driver takes it (flattened from `devices`). */
export const ConfigPtzCamera = z
  .object({
    /** The camera's id as video.cameras.list shows it (a link camera id or `wvp:<channel id>`). */
    cameraId: z.string().min(1).max(100),
    /** The serial device of the RS-485 converter, e.g. /dev/ttyUSB0 or COM3; cameras on one bus share it. */
    path: z.string().min(1).max(300),
    /** 8N1 at this rate; Pelco-D receivers default to 2400. */
    baudRate: z.number().int().min(1200).max(115_200).default(2400),
    /** The receiver address set on the camera's DIP switches (1–255). */
    address: z.number().int().min(1).max(255),
  })
  .strict();

/** A serial transport (devices-v1: `serial: { path, baudRate, dataBits?, parity?, stopBits? }`). */
const SerialTransport = (defaultBaud: number) =>
  z
    .object({
      path: z.string().min(1).max(300),
      baudRate: z.number().int().min(1200).max(115_200).default(defaultBaud),
      dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
      parity: z.enum(['none', 'even', 'odd']).default('none'),
      stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
    })
    .strict();

/**
 * A device of the hall (../shared/specs/devices-v1.md: `devices:` entries with id, kind, name and
 * one transport block). Kinds arrive with the capabilities that drive them.
 */
const TcpTransport = z.object({ host: z.string().min(1).max(255), port: z.number().int().min(1).max(65_535) }).strict();
const DeviceId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - or _, at most 64');
const DeviceName = z.string().min(1).max(100);
const StationCode12 = z.string().regex(/^\d{12}$/, 'a 12-digit division code');

export const ConfigDevice = z.discriminatedUnion('kind', [
  z
    .object({
      id: DeviceId,
      kind: z.literal('gsm-modem'),
      name: DeviceName,
      /** The modem's serial port (USB modems: /dev/ttyUSB2 …), or a serial server over TCP (ser2net). */
      serial: SerialTransport(115_200).optional(),
      tcp: TcpTransport.optional(),
      /** The service centre number (absent: the SIM's, as AT+CSCA? reports it). */
      smsc: z.string().regex(/^\+?\d{3,20}$/, 'a phone number').optional(),
      /** At least this long between two AT+CMGS sends (operators throttle bursts). */
      sendIntervalMs: z.number().int().min(0).max(60_000).default(1_000),
    })
    .strict()
    .refine((d) => (d.serial ? 1 : 0) + (d.tcp ? 1 : 0) === 1, { message: 'a gsm-modem needs exactly one of serial or tcp' }),
  z
    .object({
      id: DeviceId,
      kind: z.literal('ip-speaker'),
      name: DeviceName,
      tcp: TcpTransport,
      /** The terminal's 23-digit 应急广播资源编码. */
      resourceCode: z.string().regex(/^\d{23}$/, 'a 23-digit resource code'),
      /** The town or village it covers. */
      stationCode: StationCode12,
    })
    .strict(),
  z
    .object({
      id: DeviceId,
      kind: z.literal('amplifier-zones'),
      name: DeviceName,
      /** Modbus RTU over an RS-485 adapter, or Modbus TCP. */
      serial: SerialTransport(9600).optional(),
      tcp: TcpTransport.optional(),
      unitId: z.number().int().min(0).max(247).default(1),
      /** The coil that switches the amplifier's power. */
      powerCoil: z.number().int().min(0).max(65_535),
      /** One zone relay per covered station. */
      zones: z.array(z.object({ stationCode: StationCode12, coil: z.number().int().min(0).max(65_535), name: z.string().max(100).optional() }).strict()).min(1),
    })
    .strict()
    .refine((d) => (d.serial ? 1 : 0) + (d.tcp ? 1 : 0) === 1, { message: 'an amplifier-zones device needs exactly one of serial or tcp' }),
  z
    .object({
      id: DeviceId,
      kind: z.literal('radio'),
      name: DeviceName,
      /** rigctld's host and port (default port 4532). */
      tcp: TcpTransport,
      channels: z.array(z.object({ name: z.string().min(1).max(60), frequencyHz: z.number().int().min(1_000).max(10_000_000_000) }).strict()).default([]),
    })
    .strict(),
  z
    .object({
      id: DeviceId,
      kind: z.literal('ptz-pelco-d'),
      name: DeviceName,
      /** The RS-485 converter; Pelco-D receivers default to 2400 baud, 8N1. */
      serial: SerialTransport(2400),
      /** The cameras on this bus and their receiver addresses (DIP switches, 1–255). */
      cameras: z.array(z.object({ cameraId: z.string().min(1).max(100), address: z.number().int().min(1).max(255) }).strict()).min(1),
    })
    .strict(),
]);
export type ConfigDevice = z.infer<typeof ConfigDevice>;

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
        /** Demo mode: start the simulated terminals, modem, amplifier and radio (false: only `devices`). */
        devices: z.boolean().default(true),
        /** Demo mode: the first start shows a drill being released and a warning awaiting approval. */
        seedWarnings: z.boolean().default(true),
        /** Demo mode: the first start shows an incident being run (源南镇, Ⅳ response). */
        seedIncident: z.boolean().default(true),
        /** Demo mode: simulated terminals play this many times faster than real time (tests use more). */
        terminalSpeed: z.number().min(0.1).max(1000).default(1),
        /** Demo mode: how long the simulated network takes to report an SMS delivered. */
        smsReportMs: z.number().min(0).max(600_000).default(4_000),
        /** Demo mode: now and then a simulated device goes offline or faulty for a while (0: never). */
        deviceTroubleMinutes: z.number().min(0).max(1440).default(3),
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
    wall: z
      .object({
        /**
         * The wall's screens (one per physical display): id, label, row/col on the wall, the
         * display's bounds, role. Empty: a row of three 1080p screens (wall-1 … wall-3).
         */
        screens: z.array(WallScreen).max(64).default([]),
        /** The scene an unacknowledged alert of these levels puts on the wall (emergency takeover). */
        takeoverSceneId: z.string().default('emergency'),
        takeoverLevels: z.array(z.enum(['blue', 'yellow', 'orange', 'red'])).default(['red']),
        /** Origins a web region may show (e.g. https://weather.example). */
        webAllowlist: z.array(z.url({ protocol: /^https?$/ })).default([]),
      })
      .strict()
      .prefault({}),
    video: z
      .object({
        /** A wvp-GB28181-pro platform whose channels join the camera list (absent: none). */
        wvp: z
          .object({
            /** Its HTTP API, e.g. http://10.0.0.5:18080 */
            baseUrl: z.url({ protocol: /^https?$/ }),
            username: z.string().min(1).max(100),
            /** The plain password (sent as its MD5 hex, as wvp expects). */
            password: z.string().min(1).max(200),
            /** How often the channel list is refreshed; an outage keeps the last list. */
            pollSeconds: z.number().min(5).max(3600).default(60),
            /** Only channels of this administrative division (wvp's civilCode filter), e.g. 441602. */
            civilCode: z.string().regex(/^\d{2,12}$/, 'a division code of digits').optional(),
            /** Every wvp request (login, list, play, PTZ) must answer within this. */
            timeoutSeconds: z.number().min(0.5).max(60).default(5),
            /** …except play, which waits for the camera's GB28181 INVITE (wvp itself gives up after 10 s). */
            playTimeoutSeconds: z.number().min(0.5).max(120).default(12),
          })
          .strict()
          .optional(),
        /** A serial PTZ movement that no stop (or other command) follows within this is stopped (0: never). */
        ptzSafetyStopSeconds: z.number().min(0).max(600).default(10),
      })
      .strict()
      .prefault({}),
    /** Warning release (预警发布). */
    warnings: z
      .object({
        /** Where the console serves warning audio to the terminals. */
        audioHost: z.string().min(1).max(255).default('127.0.0.1'),
        /** 0: any free port. */
        audioPort: z.number().int().min(0).max(65_535).default(0),
        /** The URL terminals use to reach that server (e.g. http://10.20.0.5:8090), when it differs. */
        audioPublicUrl: z.url({ protocol: /^https?$/ }).optional(),
        /** Tries per delivery before it fails, and the backoff between them. */
        attempts: z.number().int().min(1).max(20).default(3),
        retryMinSeconds: z.number().min(0.1).max(3600).default(2),
        retryMaxSeconds: z.number().min(0.1).max(3600).default(60),
        /** How long a sent SMS waits for its delivery report before it counts as unconfirmed. */
        smsConfirmMinutes: z.number().min(0.1).max(1440).default(10),
        /** Slack after a terminal's expected play time before a missing result counts as unconfirmed. */
        playSlackSeconds: z.number().min(1).max(3600).default(120),
      })
      .strict()
      .prefault({}),
    /** Devices the console drives (devices-v1). */
    devices: z
      .array(ConfigDevice)
      .default([])
      .refine((list) => new Set(list.map((d) => d.id)).size === list.length, { message: 'device ids must be unique' })
      .refine((list) => {
        const ids = list.flatMap((d) => (d.kind === 'ptz-pelco-d' ? d.cameras.map((c) => c.cameraId) : []));
        return new Set(ids).size === ids.length;
      }, { message: 'a camera may be on one Pelco-D bus only' })
      .refine((list) => list.every((d) => d.kind !== 'ptz-pelco-d' || new Set(d.cameras.map((c) => c.address)).size === d.cameras.length), {
        message: 'two cameras share one address on one Pelco-D bus',
      })
      .refine((list) => {
        const byPath = new Map<string, string>();
        return list.every((d) => {
          const p = 'serial' in d && d.serial ? d.serial.path : undefined;
          if (p === undefined) return true;
          if (byPath.has(p) && byPath.get(p) !== d.id) return false;
          byPath.set(p, d.id);
          return true;
        });
      }, { message: 'two devices use one serial path' }),
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

/** What the video service takes: config.video plus the Pelco-D cameras of `devices`, one entry per camera. */
export type ConfigPtzCamera = z.output<typeof ConfigPtzCamera>;
export type VideoSettings = HallConfig['video'] & { ptz: ConfigPtzCamera[] };

export function videoSettings(config: Pick<HallConfig, 'video' | 'devices'>): VideoSettings {
  const ptz = config.devices.flatMap((d) =>
    d.kind === 'ptz-pelco-d' ? d.cameras.map((c) => ({ cameraId: c.cameraId, path: d.serial.path, baudRate: d.serial.baudRate, address: c.address })) : [],
  );
  return { ...config.video, ptz };
}

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
