/**
 * The wall's scene strings, merged into the app's messages the first time a wall component asks
 * (the app-wide files stay untouched; the lead may move these into i18n/zh-CN.ts and en.ts).
 */
import { useI18n } from 'vue-i18n';

export const wallSceneZhCN = {
  loading: '正在载入大屏场景…',
  loadFailed: '无法载入大屏场景：{message}',
  unknownScreen: '大屏 “{id}” 不在视频墙配置中',
  unknownScreenHint: '请在控制台核对大屏编号。已配置的大屏：{ids}',
  noScreens: '（无）',
  scene: '场景',
  source: { takeover: '应急接管', override: '手动', schedule: '计划', default: '默认' },
  takeover: '应急接管：{headline}',
  region: {
    empty: '空闲画面',
    alerts: '实时告警',
    kpi: '全区概况',
    incident: '当前事件',
    clock: '北京时间',
    web: '网页',
    map: '全区态势',
  },
  board: {
    none: '当前无未处置告警',
    more: '另有 {n} 条告警',
    state: { new: '未确认', acknowledged: '已确认', handling: '处置中' },
  },
  kpi: { open: '未处置告警', unacknowledged: '未确认', level: '{level}' },
  incident: {
    none: '无进行中的事件',
    level: '{n}级响应',
    noLevel: '未定级',
    closing: '收尾中',
    duration: '已持续 {d}',
    place: '地点：{place}',
    district: '源城区',
    moved: '已转移',
    toMove: '应转移',
    noEvacuation: '暂无转移记录',
    zone: { watch: '关注', prepare: '准备转移', evacuate: '立即转移', 'shelter-in-place': '就地避险', lifted: '解除', drill: '演练' },
  },
  web: {
    blocked: '该网页无法在大屏内嵌显示：内容安全策略未允许嵌入外部网页（frame-src）。',
    url: '地址：{url}',
  },
  map: { loading: '正在加载地图…', activeAlerts: '生效告警 {n} 条', held: '已暂停自动定位' },
  video: { loading: '视频组件加载中…' },
};

export const wallSceneEn: typeof wallSceneZhCN = {
  loading: 'Loading the wall scene…',
  loadFailed: 'Cannot load the wall scene: {message}',
  unknownScreen: 'Screen “{id}” is not part of the configured wall',
  unknownScreenHint: 'Check the screen id in the console. Configured screens: {ids}',
  noScreens: '(none)',
  scene: 'Scene',
  source: { takeover: 'Takeover', override: 'Manual', schedule: 'Scheduled', default: 'Default' },
  takeover: 'EMERGENCY TAKEOVER: {headline}',
  region: {
    empty: 'Idle',
    alerts: 'Live alerts',
    kpi: 'District overview',
    incident: 'Current incident',
    clock: 'Beijing time',
    web: 'Web page',
    map: 'District map',
  },
  board: {
    none: 'No open alerts',
    more: '{n} more alerts',
    state: { new: 'New', acknowledged: 'Acknowledged', handling: 'Handling' },
  },
  kpi: { open: 'Open alerts', unacknowledged: 'Unacknowledged', level: '{level}' },
  incident: {
    none: 'No incident in progress',
    level: 'Level {n}',
    noLevel: 'No level yet',
    closing: 'Closing',
    duration: 'Running {d}',
    place: 'Place: {place}',
    district: 'Yuancheng District',
    moved: 'Moved',
    toMove: 'To move',
    noEvacuation: 'No evacuation recorded',
    zone: { watch: 'Watch', prepare: 'Prepare', evacuate: 'Evacuate', 'shelter-in-place': 'Shelter in place', lifted: 'Lifted', drill: 'Drill' },
  },
  web: {
    blocked: 'This page cannot be shown on the wall: the Content-Security-Policy does not allow framing other sites (frame-src).',
    url: 'Address: {url}',
  },
  map: { loading: 'Loading the map…', activeAlerts: '{n} active alerts', held: 'Auto-fit paused' },
  video: { loading: 'Loading the video tile…' },
};

const merged = new WeakSet<object>();

/** `t` of the app's i18n with the `wallScene.*` strings present. */
export function useWallI18n() {
  const i18n = useI18n();
  if (!merged.has(i18n)) {
    merged.add(i18n);
    i18n.mergeLocaleMessage('zh-CN', { wallScene: wallSceneZhCN } as never);
    i18n.mergeLocaleMessage('en', { wallScene: wallSceneEn } as never);
  }
  return i18n;
}
