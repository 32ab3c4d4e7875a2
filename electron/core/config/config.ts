/**
 * The console's configuration file (--config, YAML or JSON), validated with zod. Unknown keys
 * are errors, and every error names the key path and the problem. Everything has a default:
 * the console runs with no config file at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';

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
