/**
 * The 三防 warning templates the hall ships (暴雨, 台风, 山洪, 水库, 内涝, 森林火险), written in
 * the style of Guangdong's 预警信号 and 三防 operating instructions: what is coming, where, and
 * what people must do. Placeholders {区域} {时间} {级别} are filled when a template is applied.
 */
import type { WarningTemplate } from '../../../shared/contract/warnings';
import { LEVEL_ZH } from '../../../shared/alerts/levels';
import type { AlertLevel } from '../../../shared/contract/alerts';

export const WARNING_TEMPLATES: readonly WarningTemplate[] = [
  {
    id: 'rainstorm',
    name: '暴雨预警',
    type: 'rainstorm',
    level: 'orange',
    title: '源城区暴雨{级别}预警',
    text: '源城区三防指挥部{时间}发布暴雨{级别}预警：预计未来3小时{区域}将出现50毫米以上强降雨。请立即停止户外作业和集会，低洼地带、危房及山边居民做好转移准备，远离河道、山塘和边坡，注意防范山洪和地质灾害。',
    audiences: ['residents', 'cadre', 'duty', 'flood-duty'],
    channels: ['speaker', 'amplifier', 'sms'],
    repeat: 3,
  },
  {
    id: 'typhoon',
    name: '台风预警',
    type: 'typhoon',
    level: 'orange',
    title: '源城区台风{级别}预警',
    text: '源城区三防指挥部{时间}发布台风{级别}预警：受台风影响，{区域}12小时内将出现8级以上大风和强降雨。请加固门窗和户外广告牌，收好阳台物品，非必要不外出；工地停止高空作业，危房、临时工棚人员立即转移到安全地方。',
    audiences: ['residents', 'cadre', 'duty', 'flood-duty', 'radio-net'],
    channels: ['speaker', 'amplifier', 'sms', 'radio'],
    repeat: 3,
  },
  {
    id: 'flash-flood',
    name: '山洪预警',
    type: 'flood',
    level: 'red',
    title: '{区域}山洪{级别}预警',
    text: '源城区三防指挥部{时间}发布山洪{级别}预警：{区域}上游出现强降雨，溪河水位快速上涨，可能发生山洪。沿河、沟谷和山脚居民请立即按预定路线转移到安全地带，严禁涉水过河，村居干部立即组织转移并报告转移人数。',
    audiences: ['residents', 'cadre', 'flood-duty', 'rescue'],
    channels: ['speaker', 'sms'],
    repeat: 3,
  },
  {
    id: 'reservoir',
    name: '水库预警',
    type: 'reservoir',
    level: 'orange',
    title: '水库泄洪{级别}预警',
    text: '源城区三防指挥部{时间}通知：水库水位超过汛限，即将开闸泄洪，下游河道水位将明显上涨。请{区域}河边居民、作业人员立即撤离河滩和低洼地带，看管好小孩，不要在河边停留、游泳或捕鱼。',
    audiences: ['residents', 'cadre', 'flood-duty'],
    channels: ['speaker', 'amplifier', 'sms'],
    repeat: 3,
  },
  {
    id: 'waterlog',
    name: '内涝预警',
    type: 'waterlog',
    level: 'yellow',
    title: '城区内涝{级别}预警',
    text: '源城区三防指挥部{时间}发布内涝{级别}预警：受强降雨影响，{区域}部分低洼路段和地下车库出现积水。请车辆不要驶入积水路段和隧道，地下车库车辆及时移出，临街商户做好挡水措施，行人注意避开井盖和电线杆。',
    audiences: ['cadre', 'duty', 'flood-duty'],
    channels: ['sms'],
    repeat: 2,
  },
  {
    id: 'forest-fire',
    name: '森林火险预警',
    type: 'forest-fire',
    level: 'orange',
    title: '森林火险{级别}预警',
    text: '源城区森林防火指挥部{时间}发布森林火险{级别}预警：{区域}天气干燥，森林火险等级高。严禁在林区野外用火、烧荒、燃放烟花爆竹和祭祀烧纸，发现火情请立即拨打12119报警，护林员加强巡查。',
    audiences: ['residents', 'cadre', 'rescue'],
    channels: ['speaker', 'sms'],
    repeat: 2,
  },
];

export interface TemplateFill {
  areaName: string;
  time: Date;
  level: AlertLevel;
}

function chinaTime(date: Date): string {
  const parts = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).formatToParts(date);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('month')}月${get('day')}日${get('hour')}时${get('minute')}分`;
}

/** Replace {区域} {时间} {级别} (级别 → 橙色 etc.). */
export function fillPlaceholders(text: string, fill: TemplateFill): string {
  return text
    .replace(/\{区域\}/g, fill.areaName)
    .replace(/\{时间\}/g, chinaTime(fill.time))
    .replace(/\{级别\}/g, LEVEL_ZH[fill.level]);
}
