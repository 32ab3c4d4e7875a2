import type { HallBridge } from '../../../shared/contract';
import type { HallClient } from './hall-client';
import { createIpcClient } from './ipc-client';
import { createHttpClient } from './http-client';

/** Electron's preload exposes `window.hall`; anywhere else we are a browser display of the web host. */
export function createHallClient(bridge: HallBridge | undefined = window.hall): HallClient {
  return bridge ? createIpcClient(bridge) : createHttpClient();
}
