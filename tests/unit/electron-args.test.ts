import { describe, expect, it } from 'vitest';
import { ArgsError, parseMainArgs } from '../../electron/main/args';

describe('Electron main command line', () => {
  it('reads --demo, --config, --data and --no-walls with the web host meanings', () => {
    expect(parseMainArgs([])).toEqual({ demo: false, config: null, data: null, walls: true });
    expect(parseMainArgs(['--demo', '--config', 'hall.yaml', '--data=/tmp/hall', '--no-walls'])).toEqual({
      demo: true,
      config: 'hall.yaml',
      data: '/tmp/hall',
      walls: false,
    });
  });

  it('ignores switches Chromium, Electron or Playwright add', () => {
    expect(parseMainArgs(['--no-sandbox', '--inspect=0', '--remote-debugging-port=0', '--demo', 'out/main/index.js'])).toMatchObject({ demo: true, config: null });
  });

  it('names the flag that lacks its value', () => {
    expect(() => parseMainArgs(['--config'])).toThrow(ArgsError);
    expect(() => parseMainArgs(['--config', '--demo'])).toThrow(/--config needs a value/);
    expect(() => parseMainArgs(['--data='])).toThrow(/--data needs a value/);
  });
});
