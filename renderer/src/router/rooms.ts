/** Rooms of the console in navigation order (kept apart from the router to avoid an import cycle). */
export const ROOMS = ['overview', 'alerts', 'map', 'wall', 'warnings', 'incidents', 'resources', 'settings'] as const;
export type Room = (typeof ROOMS)[number];

/** Rooms whose issues have landed; the others show a "建设中" panel. */
export const BUILT_ROOMS: ReadonlySet<Room> = new Set<Room>(['overview', 'alerts', 'map', 'wall', 'warnings', 'incidents', 'settings']);
