import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'yuancheng-hall-console';

/** The per-user data directory, where Electron's app.getPath('userData') would put it. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return path.join(env['APPDATA'] ?? path.join(os.homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  return path.join(env['XDG_CONFIG_HOME'] ?? path.join(os.homedir(), '.config'), APP_DIR_NAME);
}
