/** Strings of 设置 → 告警规则 (the local threshold rules). */
export const rulesZhCN = {
  title: '告警规则（本地阈值）',
  hintAdmin: '控制台按这些阈值判断监测读数并自行产生告警；级别在达到阈值时进入，回落到“阈值 − 回差”以下才退出。留空表示该级别不设阈值，阈值须由蓝到红递增。',
  hintReadOnly: '控制台按这些阈值判断监测读数并自行产生告警。只有管理员可以修改。',
  name: '规则',
  metric: '指标',
  hysteresis: '回差',
  enabled: '启用',
  save: '保存',
  saved: '已保存',
  notANumber: '{level}阈值“{text}”不是数字',
  metrics: {
    value: '读数',
    'above-warn': '超警戒/汛限值（同单位）',
    band: '警戒→危险区间位置（0=警戒，1=危险）',
    'rain-1h': '1小时雨量（毫米）',
    'rain-3h': '3小时雨量（毫米）',
    'rain-24h': '24小时雨量（毫米）',
  },
};

export const rulesEn: typeof rulesZhCN = {
  title: 'Alert rules (local thresholds)',
  hintAdmin:
    'The console judges sensor readings by these thresholds and raises its own alerts; a level is entered at its threshold and left only below threshold − hysteresis. Empty means no threshold for that level; thresholds must rise from blue to red.',
  hintReadOnly: 'The console judges sensor readings by these thresholds and raises its own alerts. Only an admin may change them.',
  name: 'Rule',
  metric: 'Metric',
  hysteresis: 'Hysteresis',
  enabled: 'On',
  save: 'Save',
  saved: 'Saved',
  notANumber: '{level} threshold "{text}" is not a number',
  metrics: {
    value: 'Reading',
    'above-warn': 'Above warn / flood-limit (same unit)',
    band: 'Between warn (0) and danger (1)',
    'rain-1h': 'Rain in 1 h (mm)',
    'rain-3h': 'Rain in 3 h (mm)',
    'rain-24h': 'Rain in 24 h (mm)',
  },
};
