/**
 * The web host's command line. Parsing is separate from starting so that every refusal
 * (a LAN address without TLS, a bad port) is tested without opening a socket.
 */
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../core/paths';

export interface WebHostArgs {
  dataDir: string;
  port: number;
  host: string;
  configFile: string | undefined;
  demo: boolean;
  tls: { cert: string; key: string } | undefined;
  insecureLan: boolean;
  rendererDir: string | undefined;
  help: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: npm run serve -- [options]      (or: tsx electron/web-host/main.ts [options])

  --demo                 run with the built-in simulators and demo accounts
  --data <dir>           data directory (default: ${defaultDataDir()})
  --port <n>             port to listen on (default 7300; 0 picks a free one)
  --host <addr>          address to listen on (default 127.0.0.1); any other address
                         needs --tls-cert and --tls-key, or an explicit --insecure-lan
  --tls-cert <file>      PEM certificate for HTTPS
  --tls-key <file>       PEM private key for HTTPS
  --insecure-lan         allow plain HTTP on a non-loopback address (hall LAN only)
  --config <file>        YAML or JSON config file
  --renderer <dir>       built renderer to serve (default: dist/renderer)
  -h, --help             this text`;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function parseWebHostArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): WebHostArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        demo: { type: 'boolean', default: false },
        data: { type: 'string' },
        port: { type: 'string', default: '7300' },
        host: { type: 'string', default: '127.0.0.1' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'insecure-lan': { type: 'boolean', default: false },
        config: { type: 'string' },
        renderer: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port ?? '') || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got "${values.port}"`);
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if (Boolean(certFile) !== Boolean(keyFile)) throw new UsageError('--tls-cert and --tls-key go together: give both or neither');
  const host = values.host ?? '127.0.0.1';
  const tls = certFile && keyFile ? { cert: certFile, key: keyFile } : undefined;
  if (!LOOPBACK.test(host) && !tls && !values['insecure-lan']) {
    throw new UsageError(
      `Refusing to serve plain HTTP on ${host}: operators' passwords and tokens would cross the network in clear. ` +
        'Give --tls-cert and --tls-key, or --insecure-lan if this is an isolated hall network.',
    );
  }
  return {
    dataDir: values.data ?? env['HALL_DATA_DIR'] ?? defaultDataDir(env),
    port,
    host,
    configFile: values.config,
    demo: values.demo ?? false,
    tls,
    insecureLan: values['insecure-lan'] ?? false,
    rendererDir: values.renderer,
    help: values.help ?? false,
  };
}
