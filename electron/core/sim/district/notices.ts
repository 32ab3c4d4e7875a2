/**
 * Text notices from the city and provincial platforms, as a duty officer receives them: routine
 * forecasts and reminders now and then, and the flood-control office's notices as a storm
 * develops. Wording follows the usual form of such notices; the content is demo.
 */
import type { LinkNotice } from '../../../../shared/district-link/protocol';
import type { StormKind } from './sites';
import type { Rng } from './util';

const SKIES = ['多云', '多云到阴天，午后有雷阵雨', '阴天有阵雨', '晴到多云', '多云，局部有短时强降水'];

export function routineNotice(rng: Rng, dateZh: string): LinkNotice {
  const pick = rng.int(0, 3);
  if (pick === 0) {
    const low = rng.int(21, 25);
    return {
      title: `河源市${dateZh}天气预报`,
      from: '河源市气象台',
      body: `今天白天到夜间：${rng.pick(SKIES)}，气温${low}～${low + rng.int(6, 9)}℃，东南风2～3级。请注意防御局地雷雨大风和短时强降水。`,
    };
  }
  if (pick === 1) {
    return {
      title: '关于做好汛期值班值守工作的通知',
      from: '河源市三防办',
      body: '各县区三防办：当前已进入主汛期，请严格执行24小时值班和领导带班制度，保持通讯畅通，及时报送雨情、水情、险情、灾情信息。',
    };
  }
  if (pick === 2) {
    return {
      title: '关于开展危险化学品企业汛期安全检查的提示',
      from: '河源市应急管理局',
      body: '请督促辖区危险化学品经营、使用单位（液氨、汽油、柴油储罐）落实防雷、防汛措施，检查储罐区围堰和排水设施，发现隐患立即整改。',
    };
  }
  return {
    title: `森林火险等级提示（${dateZh}）`,
    from: '源城区森林防火指挥部',
    body: `未来三天源城区森林火险等级为${rng.pick(['三级（较易燃）', '二级（低度危险）', '四级（高度危险）'])}，请加强野外用火管理和林区巡护。`,
  };
}

const STORM_NAME: Record<StormKind, string> = { 'dragon-boat': '龙舟水强降雨', typhoon: '台风' };

/** The flood-control office's notices as a storm begins, peaks and ends. */
export function stormNotice(kind: StormKind, phase: 'start' | 'peak' | 'end', name: string): LinkNotice {
  const what = kind === 'typhoon' ? name : STORM_NAME[kind];
  if (phase === 'start') {
    return {
      title: kind === 'typhoon' ? `关于防御${what}的紧急通知` : '关于做好“龙舟水”强降雨防御工作的通知',
      from: '河源市三防办',
      body: `受${what}影响，预计未来24小时我市将出现暴雨到大暴雨、局部特大暴雨，东江、新丰江水位将明显上涨。请各地立即启动防汛Ⅳ级应急响应，加强水库、河堤、内涝点和地质灾害隐患点巡查，提前转移危险区域人员。`,
    };
  }
  if (phase === 'peak') {
    return {
      title: '关于将防汛应急响应提升至Ⅲ级的通知',
      from: '河源市三防指挥部',
      body: `${what}影响持续，东江河源站水位持续上涨。市三防指挥部决定将防汛应急响应提升至Ⅲ级，请各级三防责任人立即到岗到位，做好抢险队伍和物资准备。`,
    };
  }
  return {
    title: '关于结束防汛应急响应的通知',
    from: '河源市三防指挥部',
    body: `${what}影响基本结束，各江河水位回落至警戒水位以下。决定结束防汛应急响应，请各地做好灾后核查、卫生防疫和恢复生产工作。`,
  };
}

const TYPHOON_NAMES = ['海鸥', '山竹', '木兰', '鹦鹉', '海高斯', '苗柏'];

/** As the notices write it: 台风“海鸥”. */
export function typhoonName(rng: Rng): string {
  return `台风“${rng.pick(TYPHOON_NAMES)}”`;
}
