/**
 * `npm run serve -- --demo`: the console core behind HTTP + socket.io, for browsers on hall PCs
 * and for the end-to-end tests. Prints the URL it listens on; exits non-zero with a clear
 * message when it cannot start.
 */
import path from 'node:path';
import { createCore, DataDirError, type Core } from '../core/core';
import { ConfigError, loadConfigFile, parseConfig } from '../core/config/config';
import { NewerDatabaseError } from '../core/db/migrate';
import { StoreOpenError } from '../core/db/database';
import { resourcePath } from '../core/resources';
import { parseWebHostArgs, USAGE, UsageError } from './cli';
import { ListenError, startWebHost, type WebHost } from './server';

const bootAt = performance.now();

async function main(): Promise<number> {
  let args;
  try {
    args = parseWebHostArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`web-host: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }

  let core: Core | undefined;
  let host: WebHost | undefined;
  try {
    const config = args.configFile ? loadConfigFile(args.configFile) : parseConfig({});
    core = await createCore({ dataDir: path.resolve(args.dataDir), demo: args.demo || config.demo, config });
    host = await startWebHost({
      core,
      host: args.host,
      port: args.port,
      tls: args.tls,
      rendererDir: path.resolve(args.rendererDir ?? resourcePath('..', 'dist', 'renderer')),
    });
  } catch (error) {
    core?.close();
    if (
      error instanceof ConfigError ||
      error instanceof DataDirError || error instanceof ListenError || error instanceof NewerDatabaseError ||
      error instanceof StoreOpenError
    ) {
      console.error(`web-host: cannot start. ${error.message}`);
      return 1;
    }
    console.error('web-host: cannot start.', error);
    return 1;
  }

  const mode = core.facts.demo ? 'demo mode, simulators on; demo accounts admin/admin123, operator/operator123, commander/commander123, wall/wall123' : 'live mode';
  console.log(`${core.config.console.name} console ${core.facts.version} listening on ${host.url} (${mode})`);
  console.log(`data: ${core.facts.dataDir}; ready in ${Math.round(performance.now() - bootAt)} ms`);
  if (!core.integrity.ok) console.warn(`warning: database integrity check reported: ${core.integrity.messages.join('; ')}`);

  const stop = async (signal: string) => {
    console.log(`web-host: ${signal}, shutting down`);
    // A shutdown that hangs (a device or a client that never lets go) must not keep the process:
    // the database is written durably, so exiting is safe.
    setTimeout(() => {
      console.error('web-host: shutdown did not finish within 10 s; exiting');
      process.exit(1);
    }, 10_000).unref();
    await host.close();
    await core.closeAsync(); // the link and the demo simulator close cleanly, then the database
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return -1; // keep running
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error('web-host: failed', error);
    process.exit(1);
  },
);
