/**
 * Test-only page (never part of the product): a grid of VideoTile components against a fake
 * HallClient whose video.play answers with the loopback ffmpeg streams of the test
 * (tests/fixtures/ffmpeg-streams.ts) or with the console's own demo streams (the harness is then
 * served by the web host as its renderer, --renderer). Its config comes from the `config` query
 * parameter (JSON) or ./config.json.
 */
import { createApp, h } from 'vue';
import type { PlayInfo, VideoCamera } from '../../../shared/contract';
import { ok, fail } from '../../../shared/contract/result';
import { HALL_CLIENT, type HallClient } from '../../../renderer/src/client/hall-client';
import VideoTile from '../../../renderer/src/video/VideoTile.vue';
import '../../../renderer/src/styles/theme.css';
import './harness.css';

export interface HarnessConfig {
  columns: number;
  /** What video.cameras.list and video.play answer for each tile. */
  tiles: { camera: VideoCamera; info: PlayInfo }[];
}

const inline = new URLSearchParams(location.search).get('config');
const config = (inline ? JSON.parse(inline) : await (await fetch('./config.json')).json()) as HarnessConfig;

const cameras: VideoCamera[] = config.tiles.map((t) => t.camera);

const client: HallClient = {
  kind: 'http',
  invoke: ((method: string, params: { cameraId?: string }) => {
    if (method === 'video.cameras.list') return Promise.resolve(ok(cameras));
    if (method === 'video.play') {
      const t = config.tiles.find((x) => x.camera.id === params.cameraId);
      return Promise.resolve(t ? ok(t.info) : fail('not_found', 'no camera'));
    }
    return Promise.resolve(fail('not_found', method));
  }) as HallClient['invoke'],
  subscribe: () => () => undefined,
  setToken: () => undefined,
  getToken: () => null,
  connectionState: () => 'online',
  onConnectionState: () => () => undefined,
  onUnauthorized: () => () => undefined,
};

const app = createApp({
  render: () =>
    h('div', { class: 'grid', style: { gridTemplateColumns: `repeat(${config.columns}, 1fr)` } }, config.tiles.map((t) => h(VideoTile, { key: t.camera.id, cameraId: t.camera.id, compact: true }))),
});
app.provide(HALL_CLIENT, client);
app.mount('#app');
