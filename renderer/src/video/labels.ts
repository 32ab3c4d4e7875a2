/** The tile's few words (kept beside it rather than in the app's message files). */
import type { TileState } from './tile-controller';

type Words = Record<TileState, string> & { unknownCamera: string; kinds: Record<string, string> };

const zhCN: Words = {
  connecting: '连接中',
  playing: '直播',
  stalled: '画面停滞',
  reconnecting: '重连中',
  offline: '离线',
  unsupported: '不支持的编码',
  unknownCamera: '未知摄像机',
  kinds: { wsFlv: 'WS-FLV', flv: 'HTTP-FLV', hls: 'HLS', whep: 'WebRTC' },
};

const en: Words = {
  connecting: 'Connecting',
  playing: 'Live',
  stalled: 'Stalled',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
  unsupported: 'Unsupported codec',
  unknownCamera: 'Unknown camera',
  kinds: zhCN.kinds,
};

export function tileWords(locale: string): Words {
  return locale.startsWith('zh') ? zhCN : en;
}
