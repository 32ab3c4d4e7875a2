import fs from 'node:fs';
import { resourcePath } from './resources';

let cached: string | null = null;

/** The console's version, from package.json next to resources/ (or HALL_VERSION in a packaged build). */
export function consoleVersion(): string {
  if (cached) return cached;
  try {
    const pkg = JSON.parse(fs.readFileSync(resourcePath('..', 'package.json'), 'utf8')) as { version?: string };
    cached = process.env['HALL_VERSION'] ?? pkg.version ?? '0.0.0';
  } catch {
    cached = process.env['HALL_VERSION'] ?? '0.0.0';
  }
  return cached;
}
