/**
 * Command-line flags of the Electron console, with the web host's meanings:
 *   --demo            run with the simulators and the demo accounts
 *   --config <file>   YAML or JSON config (validated by the core)
 *   --data <dir>      data directory instead of the per-user one (tests, a second hall profile)
 *   --no-walls        open no kiosk windows (a developer's desk with two monitors)
 * Chromium and Electron add switches of their own (--no-sandbox, --enable-logging, …) and the
 * dev launcher passes the app path: unknown arguments are ignored, never fatal.
 */
export interface MainArgs {
  demo: boolean;
  config: string | null;
  data: string | null;
  walls: boolean;
}

export class ArgsError extends Error {}

export function parseMainArgs(argv: readonly string[]): MainArgs {
  const args: MainArgs = { demo: false, config: null, data: null, walls: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '' || (inline === undefined && next.startsWith('--'))) throw new ArgsError(`${name} needs a value`);
      return next;
    };
    if (name === '--demo') args.demo = true;
    else if (name === '--no-walls') args.walls = false;
    else if (name === '--config') args.config = value();
    else if (name === '--data') args.data = value();
  }
  return args;
}
