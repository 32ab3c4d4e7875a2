/**
 * The video wall as the core holds it, for the operators' wall room: the state (kept live by
 * 'wall.changed', the whole state each time, and reloaded after a reconnect since events sent
 * while we were away are lost), the screens, layouts, scenes and cameras, and the commands
 * (apply a scene, set a region, revert, save/delete scenes, the schedule, PTZ). Commands return
 * the core's Result; the view decides how to show a refusal.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type {
  HallErrorBody,
  PtzAction,
  RegionContent,
  Result,
  ScheduleEntry,
  VideoCamera,
  WallLayout,
  WallScene,
  WallScreen,
  WallState,
} from '../../../shared/contract';
import { useHallClient } from '../client/hall-client';
import { useConnectionStore } from './connection';

export interface WallSchedule {
  defaultSceneId: string;
  entries: ScheduleEntry[];
}

export const useWallStore = defineStore('wall', () => {
  const client = useHallClient();
  const connection = useConnectionStore();
  const state = ref<WallState | null>(null);
  const screens = ref<WallScreen[]>([]);
  const layouts = ref<WallLayout[]>([]);
  const scenes = ref<WallScene[]>([]);
  const cameras = ref<VideoCamera[]>([]);
  const camerasError = ref<HallErrorBody | null>(null);
  const schedule = ref<WallSchedule | null>(null);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<HallErrorBody | null>(null);
  /** How many views want the wall live; events are taken in only while someone looks. */
  let users = 0;
  /** wall.changed events taken in; a load forces its answer only when none came meanwhile. */
  let eventsSeen = 0;
  let off: (() => void)[] = [];
  let camerasTimer: ReturnType<typeof setTimeout> | undefined;

  const cameraById = computed(() => new Map(cameras.value.map((c) => [c.id, c])));
  const layoutById = computed(() => new Map(layouts.value.map((l) => [l.id, l])));
  const sceneById = computed(() => new Map(scenes.value.map((s) => [s.id, s])));

  /**
   * Takes a state unless we already hold a newer one (a slow answer never undoes an event);
   * a full load (`force`) always wins, so a core whose database was replaced is followed too.
   */
  function take(next: WallState, force = false): void {
    if (!force && state.value && next.version < state.value.version) return;
    state.value = next;
    // A scene saved at another console shows up on the wall before it is in our list.
    if (loaded.value && !sceneById.value.has(next.sceneId)) void loadScenes();
  }

  async function loadScenes(): Promise<void> {
    const r = await client.invoke('wall.scenes.list', {});
    if (r.ok) scenes.value = r.value;
  }

  async function loadCameras(): Promise<void> {
    const r = await client.invoke('video.cameras.list', {});
    if (r.ok) {
      cameras.value = r.value;
      camerasError.value = null;
    } else camerasError.value = r.error;
  }

  async function load(): Promise<void> {
    loading.value = true;
    const seen = eventsSeen;
    const [st, sc, la, scenesR] = await Promise.all([
      client.invoke('wall.state', {}),
      client.invoke('wall.screens.list', {}),
      client.invoke('wall.layouts.list', {}),
      client.invoke('wall.scenes.list', {}),
      loadCameras(),
    ]);
    loading.value = false;
    if (sc.ok) screens.value = sc.value;
    if (la.ok) layouts.value = la.value;
    if (scenesR.ok) scenes.value = scenesR.value;
    if (st.ok) take(st.value, eventsSeen === seen);
    const failed = [st, sc, la, scenesR].find((r) => !r.ok);
    error.value = failed && !failed.ok ? failed.error : null;
    loaded.value = st.ok;
  }

  /** A view that shows the wall calls this on mount; the returned function on unmount. */
  function watchLive(): () => void {
    users++;
    if (users === 1) {
      off = [
        client.subscribe('wall.changed', (next) => {
          eventsSeen++;
          take(next);
        }),
        // Cameras come and go (online state, a snapshot reset): names and dots follow, at most once a second.
        client.subscribe('mirror.changed', ({ reset, ids }) => {
          if (!reset && !ids['camera']?.length) return;
          if (camerasTimer !== undefined) return;
          camerasTimer = setTimeout(() => {
            camerasTimer = undefined;
            void loadCameras();
          }, 1000);
        }),
      ];
      void load();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      users--;
      if (users === 0) {
        off.splice(0).forEach((f) => f());
        clearTimeout(camerasTimer);
        camerasTimer = undefined;
      }
    };
  }

  watch(
    () => connection.state,
    (now, before) => {
      if (now === 'online' && before === 'reconnecting' && users > 0) void load();
    },
  );

  async function keep(result: Promise<Result<WallState>>): Promise<Result<WallState>> {
    const r = await result;
    if (r.ok) take(r.value);
    return r;
  }

  const apply = (id: string) => keep(client.invoke('wall.scenes.apply', { id }));
  const revert = () => keep(client.invoke('wall.revert', {}));
  const setRegion = (screenId: string, regionId: string, content: RegionContent) => keep(client.invoke('wall.setRegion', { screenId, regionId, content }));

  async function saveScene(scene: WallScene): Promise<Result<WallScene>> {
    const r = await client.invoke('wall.scenes.save', { scene });
    if (r.ok) await loadScenes();
    return r;
  }

  async function deleteScene(id: string): Promise<Result<null>> {
    const r = await client.invoke('wall.scenes.delete', { id });
    if (r.ok) await loadScenes();
    return r;
  }

  async function loadSchedule(): Promise<Result<WallSchedule>> {
    const r = await client.invoke('wall.schedule.get', {});
    if (r.ok) schedule.value = r.value;
    return r;
  }

  async function saveSchedule(next: WallSchedule): Promise<Result<WallSchedule>> {
    const r = await client.invoke('wall.schedule.save', next);
    if (r.ok) schedule.value = r.value;
    return r;
  }

  const ptz = (cameraId: string, action: PtzAction, speed?: number) => client.invoke('video.ptz', speed === undefined ? { cameraId, action } : { cameraId, action, speed });
  const preset = (cameraId: string, op: 'goto' | 'set', n: number) => client.invoke('video.preset', { cameraId, op, n });

  return {
    state,
    screens,
    layouts,
    scenes,
    cameras,
    camerasError,
    schedule,
    loaded,
    loading,
    error,
    cameraById,
    layoutById,
    sceneById,
    take,
    load,
    loadCameras,
    loadScenes,
    watchLive,
    apply,
    revert,
    setRegion,
    saveScene,
    deleteScene,
    loadSchedule,
    saveSchedule,
    ptz,
    preset,
  };
});
