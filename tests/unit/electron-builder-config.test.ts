import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import electronViteConfig from '../../build/electron.vite.config';
import webConfig from '../../build/vite.config';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const builderConfig = YAML.parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    const builder = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration: (config: unknown, logger: { isEnabled: boolean; add(): void }) => Promise<void>;
    };
    await expect(builder.validateConfiguration(builderConfig, { isEnabled: false, add: () => {} })).resolves.toBeUndefined();
  });

  it('sets every security fuse explicitly', () => {
    expect(builderConfig['electronFuses']).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the build into an asar, unpacks the SQLite addon and ships resources/ beside it', () => {
    expect(builderConfig).toMatchObject({ appId: 'cn.gov.heyuan.yuancheng.hall', productName: '源城区应急指挥中心', asar: true });
    expect(builderConfig['files']).toContain('out/**/*');
    expect(builderConfig['asarUnpack']).toContain('**/node_modules/better-sqlite3/**/*.node');
    expect(builderConfig['extraResources']).toEqual([{ from: 'resources', to: 'resources', filter: ['**/*'] }]);
    expect(builderConfig).toMatchObject({ linux: { target: ['AppImage', 'deb'] }, win: { target: ['nsis'] } });
    // package.json "main" is what electron-vite writes and what the asar starts.
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('out/main/index.js');
  });
});

describe('build/electron.vite.config.ts', () => {
  type Section = { build?: { outDir?: string; rolldownOptions?: { input?: Record<string, string>; external?: string[]; output?: { format?: string; entryFileNames?: string } } }; plugins?: unknown[]; root?: string };
  const config = electronViteConfig as unknown as { main: Section; preload: Section; renderer: Section };

  it('builds main from electron/main/index.ts with better-sqlite3 left external', () => {
    expect(config.main.build?.rolldownOptions?.input?.['index']).toBe(path.join(root, 'electron/main/index.ts'));
    expect(config.main.build?.rolldownOptions?.external).toContain('better-sqlite3');
    expect(config.main.build?.outDir).toBe(path.join(root, 'out/main'));
  });

  it('emits the sandboxed preload as CommonJS (out/preload/index.cjs, the path main loads)', () => {
    expect(config.preload.build?.rolldownOptions?.output).toEqual({ format: 'cjs', entryFileNames: '[name].cjs' });
    expect(fs.readFileSync(path.join(root, 'electron/main/index.ts'), 'utf8')).toContain("'../preload/index.cjs'");
  });

  it('builds the renderer from renderer/ with absolute asset URLs (history routes under app://)', () => {
    expect(config.renderer.root).toBe(path.join(root, 'renderer'));
    expect((config.renderer as { define?: unknown }).define).toEqual(webConfig.define);
    const basePlugin = (config.renderer.plugins ?? []).find((p) => (p as { name?: string }).name === 'hall:absolute-base') as { config: () => { base: string } };
    expect(basePlugin.config()).toEqual({ base: '/' });
  });
});
