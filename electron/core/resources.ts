/**
 * Where the shipped resources/ folder is: next to the sources in a checkout, or given by the
 * Electron host (process.resourcesPath) in a packaged build through HALL_RESOURCES.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findResources(): string {
  const fromEnv = process.env['HALL_RESOURCES'];
  if (fromEnv) return fromEnv;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'resources');
    if (fs.existsSync(path.join(candidate, 'places'))) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve('resources');
}

let root: string | null = null;

export function resourcePath(...parts: string[]): string {
  root ??= findResources();
  return path.join(root, ...parts);
}
