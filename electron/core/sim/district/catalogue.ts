/**
 * What the simulated district platform knows about: the console's own built-in places as
 * stations (so the mirror lines up with the station tree), cameras, and sensors with their
 * thresholds and the parameters of how each one behaves. Everything is derived from the seed,
 * so a simulator restarted from its state file rebuilds the same catalogue with the same ids.
 *
 * Names of real things (东江, 新丰江, 七礤水库 from the district plan) are used where the plan
 * names them; the rest is labelled 演示 (demo), as the demo villages are.
 */
import { demoVillages, districtBoundary, referencePlaces } from '../../stations/places-seed';
import { pointInMultiPolygon } from '../../../../shared/places';
import type { LinkCamera, LinkSensor, LinkStation } from '../../../../shared/district-link/protocol';
import { Rng, offsetMeters } from './util';
import { hazmatSites, hydroSites, type StormResponse } from './sites';

export interface SensorSpec {
  id: string;
  sensor: LinkSensor;
  /** The normal value the reading wanders around. */
  base: number;
  /** Amplitude of the daily cycle (air warming a fire detector, hydropower releases on a river). */
  diurnal: number;
  noise: number;
  /** Decimal places reported, as the real instrument would. */
  digits: number;
  /** How a storm moves it: rain factor for gauges, peak rise for levels, cooling for fire detectors. */
  storm: StormResponse;
}

export interface Catalogue {
  stations: LinkStation[];
  cameras: { id: string; camera: LinkCamera }[];
  sensors: SensorSpec[];
}

// Common surnames of the Hakka region around Heyuan, and ordinary given names.
const SURNAMES = ['黄', '陈', '李', '刘', '张', '叶', '邓', '曾', '钟', '温', '罗', '谢', '赖', '廖', '朱', '邱', '江', '杨', '林', '何', '古', '巫'];
const GIVEN = ['伟明', '志强', '建华', '丽娟', '海燕', '国平', '文辉', '秀英', '振东', '春梅', '永强', '思远', '嘉欣', '俊杰', '晓东', '桂芳', '德胜', '美玲', '少华', '卫东', '玉兰', '嘉豪', '宏伟', '碧霞'];

function dutyPerson(rng: Rng): { name: string; phone: string } {
  const phone = `139${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
  return { name: rng.pick(SURNAMES) + rng.pick(GIVEN), phone };
}

/** A point near (lat, lon) that is still inside the district; the station itself as a fallback. */
function nearby(rng: Rng, lat: number, lon: number, minM: number, maxM: number): { lat: number; lon: number } {
  const boundary = districtBoundary();
  for (let attempt = 0; attempt < 50; attempt++) {
    const r = rng.between(minM, maxM);
    const theta = rng.between(0, 2 * Math.PI);
    const p = offsetMeters(lat, lon, r * Math.cos(theta), r * Math.sin(theta));
    if (pointInMultiPolygon(p.lon, p.lat, boundary)) return p;
  }
  return { lat, lon };
}

/** The 8 towns/streets and the 68 demo villages, exactly as the console's built-in places. */
export function buildStations(rng: Rng): LinkStation[] {
  const towns = referencePlaces().filter((p) => p.level === 'town');
  const villages = demoVillages();
  // The link's Station has no district level: towns are roots, so their parent is left out.
  return [...towns, ...villages].map((p) => ({
    code: p.code,
    name: p.name,
    level: p.level === 'village' ? 'village' : 'town',
    ...(p.level === 'village' && p.parentCode ? { parentCode: p.parentCode } : {}),
    lat: p.lat,
    lon: p.lon,
    online: p.online,
    dutyPerson: dutyPerson(rng),
  }));
}

/**
 * GB/T 28181 device ids (20 digits): 8-digit centre code from the division code, 2-digit
 * industry (00 = social security), 3-digit type (131 camera, 132 IP camera), 1-digit network
 * (0 = monitoring private network) and a 6-digit serial — the ids a wvp platform would list.
 */
function gbId(type: '131' | '132', serial: number): string {
  return `44160200` + '00' + type + '0' + String(serial).padStart(6, '0');
}

const TOWN_CAMERA_SPOTS = ['政府大院', '主干道路口', '河堤', '应急避护场所'];

function buildCameras(rng: Rng, stations: LinkStation[], videoBase: string): Catalogue['cameras'] {
  const wsBase = videoBase.replace(/^http/, 'ws');
  const out: Catalogue['cameras'] = [];
  const add = (station: LinkStation, name: string, ptz: boolean, minM: number, maxM: number) => {
    const serial = out.length + 1;
    const id = gbId(ptz ? '131' : '132', serial);
    const p = nearby(rng, station.lat, station.lon, minM, maxM);
    const camera: LinkCamera = {
      name,
      stationCode: station.code,
      lat: p.lat,
      lon: p.lon,
      online: rng.chance(0.95),
      ptz,
      // Some newer cameras encode H.265, which the console must show as "unsupported" on Linux.
      codec: serial % 7 === 3 ? 'h265' : 'h264',
      streams: { hls: `${videoBase}/${id}/index.m3u8`, flv: `${videoBase}/${id}/live.flv`, wsFlv: `${wsBase}/${id}/live.flv` },
    };
    out.push({ id, camera });
  };
  for (const town of stations.filter((s) => s.level === 'town')) {
    const first = rng.int(0, TOWN_CAMERA_SPOTS.length - 1);
    add(town, `${town.name}${TOWN_CAMERA_SPOTS[first]}`, true, 80, 400);
    add(town, `${town.name}${TOWN_CAMERA_SPOTS[(first + 1) % TOWN_CAMERA_SPOTS.length]}`, false, 150, 900);
  }
  stations
    .filter((s) => s.level === 'village')
    .forEach((village, i) => {
      if (i % 3 !== 0) return;
      add(village, `${village.name}村口`, rng.chance(0.3), 50, 300);
    });
  return out;
}

function sensor(station: LinkStation, type: LinkSensor['type'], name: string, unit: string, at: { lat: number; lon: number }, thresholds?: LinkSensor['thresholds']): LinkSensor {
  return { name, stationCode: station.code, type, lat: at.lat, lon: at.lon, unit, ...(thresholds ? { thresholds } : {}) };
}

const CITY_STREETS = ['441602001000', '441602002000', '441602003000', '441602004000', '441602005000', '441602006000'];
const FOREST_TOWNS = ['441602100000', '441602101000'];
const WATERLOG_SPOTS = ['下穿通道', '低洼路段', '地下车库入口', '桥底路段'];
const FIRE_SPOTS = ['林区瞭望点', '山脊', '林场', '护林站'];

function buildSensors(rng: Rng, stations: LinkStation[]): SensorSpec[] {
  const byCode = new Map(stations.map((s) => [s.code, s]));
  const specs: SensorSpec[] = [];
  const counters = new Map<string, number>();
  const nextId = (type: string, code: string) => {
    const n = (counters.get(`${type}${code}`) ?? 0) + 1;
    counters.set(`${type}${code}`, n);
    return `${type}-${code}-${String(n).padStart(2, '0')}`;
  };

  // 雨量站: one at every town/street, and one in about every fourth village.
  const gauges = [...stations.filter((s) => s.level === 'town'), ...stations.filter((s, i) => s.level === 'village' && i % 4 === 1)];
  for (const s of gauges) {
    const at = nearby(rng, s.lat, s.lon, 0, 300);
    // Heavy rain is patchy: each gauge catches between 70 % and 130 % of the storm's core.
    const factor = rng.between(0.7, 1.3);
    specs.push({
      id: nextId('rain', s.code),
      sensor: sensor(s, 'rain', `${s.name}雨量站`, 'mm', at, { warn: 30, danger: 50 }),
      base: 0,
      diurnal: 0,
      noise: 0.08,
      digits: 1,
      storm: { 'dragon-boat': factor, typhoon: factor },
    });
  }

  // 河道水位 and 水库水位 at the sites of sites.ts.
  for (const site of hydroSites()) {
    const s = byCode.get(site.stationCode)!;
    specs.push({
      id: nextId(site.type, s.code),
      sensor: sensor(s, site.type, site.name, 'm', { lat: site.lat, lon: site.lon }, { warn: site.warn, danger: site.danger }),
      base: site.base,
      diurnal: site.diurnal,
      noise: 0.015,
      digits: 2,
      storm: site.storm,
    });
  }

  // 内涝积水: two points in every city street, depth in cm; 15 cm stops cars, 30 cm floods shops.
  for (const code of CITY_STREETS) {
    const s = byCode.get(code)!;
    const first = rng.int(0, WATERLOG_SPOTS.length - 1);
    for (let i = 0; i < 2; i++) {
      const spot = WATERLOG_SPOTS[(first + i) % WATERLOG_SPOTS.length]!;
      specs.push({
        id: nextId('waterlog', code),
        sensor: sensor(s, 'waterlog', `${s.name}${spot}积水监测点`, 'cm', nearby(rng, s.lat, s.lon, 200, 1500), { warn: 15, danger: 30 }),
        base: 0,
        diurnal: 0,
        noise: 0.5,
        digits: 0,
        storm: { 'dragon-boat': rng.between(0.8, 1.2), typhoon: rng.between(0.8, 1.2) },
      });
    }
  }

  // 森林火情: thermal cameras on the hills of 源南镇 and 埔前镇 report the hottest pixel in °C.
  for (const code of FOREST_TOWNS) {
    const s = byCode.get(code)!;
    for (let i = 0; i < 4; i++) {
      specs.push({
        id: nextId('fire', code),
        sensor: sensor(s, 'fire', `${s.name}${FIRE_SPOTS[i]}热成像火情监测`, '℃', nearby(rng, s.lat, s.lon, 2000, 6000), { warn: 60, danger: 120 }),
        base: 24,
        diurnal: 7,
        noise: 0.8,
        digits: 1,
        storm: { 'dragon-boat': -5, typhoon: -6 },
      });
    }
  }

  // 危化气体: one detector at each of the plan's 24 hazardous-chemical enterprises.
  for (const site of hazmatSites(rng, stations)) {
    const s = byCode.get(site.stationCode)!;
    const ammonia = site.chemicals.includes('液氨');
    specs.push({
      id: nextId('gas', s.code),
      // GB/T 50493: combustible gas alarms at 25 % / 50 % LEL; ammonia at its PC-TWA / PC-STEL.
      sensor: sensor(s, 'gas', `${site.name}${ammonia ? '氨气' : '可燃气体'}探测器`, ammonia ? 'mg/m³' : '%LEL', site, ammonia ? { warn: 20, danger: 30 } : { warn: 25, danger: 50 }),
      base: ammonia ? 2 : 1.5,
      diurnal: 0,
      noise: 0.4,
      digits: 1,
      storm: { 'dragon-boat': 0, typhoon: 0 },
    });
  }
  return specs;
}

export function buildCatalogue(seed: number, videoBase: string): Catalogue {
  const rng = new Rng(seed);
  const stations = buildStations(rng);
  return { stations, cameras: buildCameras(rng, stations, videoBase.replace(/\/+$/, '')), sensors: buildSensors(rng, stations) };
}
