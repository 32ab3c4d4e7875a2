/// <reference types="vite/client" />
import type { HallBridge } from '../../shared/contract';

declare global {
  interface Window {
    /** Present only in Electron (preload's contextBridge). */
    hall?: HallBridge;
  }
}

declare module 'vue-router' {
  interface RouteMeta {
    /** Signed-in session needed; the guard sends others to /login. */
    requiresAuth?: boolean;
    /** Console room key (nav highlighting, placeholder text). */
    room?: string;
  }
}

export {};
