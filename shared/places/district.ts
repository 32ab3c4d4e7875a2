/**
 * The district's places as built-in reference data: 源城区 and its towns/streets with their
 * official division codes (resources/places/admin-divisions.json, from the national code list),
 * their seats, and the plan's count of 68 villages/communities (村居), which the demo generates.
 *
 * Seats are approximate street-office / town-government locations in WGS-84 (to ~1 km), chosen
 * inside the real boundary; the district boundary's source may carry GCJ-02 offsets (~500 m).
 */
export interface TownSeat {
  code: string;
  name: string;
  kind: 'street' | 'town';
  lat: number;
  lon: number;
  /** Demo villages/communities generated under this town (sums to the plan's 68). */
  demoVillages: number;
  /** Scatter radius for its demo villages, in km: streets are urban and compact. */
  spreadKm: number;
  note?: string;
}

export const DISTRICT = { code: '441602', name: '源城区', city: '河源市', province: '广东省', lat: 23.746255, lon: 114.696828 } as const;

export const TOWN_SEATS: readonly TownSeat[] = [
  { code: '441602001000', name: '上城街道', kind: 'street', lat: 23.735, lon: 114.7, demoVillages: 9, spreadKm: 1.6 },
  { code: '441602002000', name: '新江街道', kind: 'street', lat: 23.752, lon: 114.69, demoVillages: 10, spreadKm: 1.8 },
  { code: '441602003000', name: '东埔街道', kind: 'street', lat: 23.742, lon: 114.716, demoVillages: 9, spreadKm: 1.8 },
  { code: '441602004000', name: '源西街道', kind: 'street', lat: 23.742, lon: 114.672, demoVillages: 8, spreadKm: 2.2 },
  { code: '441602005000', name: '高埔岗街道', kind: 'street', lat: 23.775, lon: 114.712, demoVillages: 8, spreadKm: 3.5 },
  {
    code: '441602006000',
    name: '城东街道',
    kind: 'street',
    lat: 23.752,
    lon: 114.738,
    demoVillages: 0,
    spreadKm: 2,
    note: '新版区划代码中新设，不在规划所列7个镇街内',
  },
  { code: '441602100000', name: '源南镇', kind: 'town', lat: 23.69, lon: 114.68, demoVillages: 12, spreadKm: 5 },
  { code: '441602101000', name: '埔前镇', kind: 'town', lat: 23.63, lon: 114.615, demoVillages: 12, spreadKm: 5.5 },
];

export const PLAN_VILLAGE_COUNT = 68;
