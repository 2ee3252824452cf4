import type { GridPlace, GridUnit } from '@shuzhi/population-events';
import { Random } from './random.js';

/**
 * A grid modelled on Hangzhou: its ten districts under their GB/T 2260 codes, streets and towns
 * under their names, and generated communities and villages. Street, town, community and village
 * codes follow the statistical rule (街道 001-099, 镇 100-199, 社区 001-199, 村 200-399 under
 * their parent) but are not the official ones. The grid is the same for every population seed:
 * different seeds populate the same city.
 */

interface DistrictPlan {
  district: GridUnit;
  streets: readonly string[];
  towns: readonly string[];
}

const DISTRICTS: readonly DistrictPlan[] = [
  { district: { code: '330102', name: '上城区' }, towns: [], streets: ['湖滨街道', '清波街道', '小营街道', '望江街道', '南星街道', '紫阳街道', '四季青街道', '采荷街道', '凯旋街道', '闸弄口街道', '笕桥街道', '丁兰街道'] },
  { district: { code: '330105', name: '拱墅区' }, towns: [], streets: ['米市巷街道', '湖墅街道', '小河街道', '和睦街道', '拱宸桥街道', '大关街道', '上塘街道', '祥符街道', '半山街道', '武林街道', '天水街道', '朝晖街道', '东新街道', '石桥街道'] },
  { district: { code: '330106', name: '西湖区' }, towns: ['三墩镇', '双浦镇'], streets: ['北山街道', '西溪街道', '灵隐街道', '翠苑街道', '文新街道', '古荡街道', '转塘街道', '留下街道', '蒋村街道', '西湖街道'] },
  { district: { code: '330108', name: '滨江区' }, towns: [], streets: ['西兴街道', '长河街道', '浦沿街道'] },
  { district: { code: '330109', name: '萧山区' }, towns: ['衙前镇', '瓜沥镇', '党湾镇', '河上镇'], streets: ['城厢街道', '北干街道', '蜀山街道', '新塘街道', '宁围街道', '闻堰街道'] },
  { district: { code: '330110', name: '余杭区' }, towns: ['瓶窑镇', '径山镇', '黄湖镇'], streets: ['五常街道', '闲林街道', '仓前街道', '余杭街道', '中泰街道', '良渚街道', '仁和街道'] },
  { district: { code: '330111', name: '富阳区' }, towns: ['场口镇', '新登镇', '永昌镇'], streets: ['富春街道', '东洲街道', '春江街道', '银湖街道'] },
  { district: { code: '330112', name: '临安区' }, towns: ['於潜镇', '昌化镇', '天目山镇'], streets: ['锦城街道', '锦北街道', '玲珑街道', '青山湖街道'] },
  { district: { code: '330113', name: '临平区' }, towns: ['塘栖镇'], streets: ['临平街道', '东湖街道', '南苑街道', '星桥街道', '乔司街道', '崇贤街道'] },
  { district: { code: '330114', name: '钱塘区' }, towns: [], streets: ['下沙街道', '白杨街道', '河庄街道', '义蓬街道', '新湾街道', '临江街道'] },
];

const COMMUNITY_STEMS = [
  '文华', '翠苑', '嘉绿苑', '古荡湾', '文鼎苑', '花园岗', '紫荆', '金都', '星洲', '府苑', '竹竿巷', '百井坊', '长庆', '朝晖', '东新园',
  '德胜', '和睦', '卖鱼桥', '信义坊', '左家新村', '采荷', '凯旋', '景芳', '三里亭', '兴隆', '近江', '婺江', '清泰', '定海', '复兴',
  '丁桥', '皋城', '弄口', '三塘', '香积寺', '申花', '莫干山', '星光', '白马', '金沙', '学林', '文泽', '高沙', '月雅', '云水', '海月',
  '江锦', '水湘', '华家池', '春晓', '滨盛', '江汇', '阳光', '和瑞', '东冠', '丰北', '城北', '育才', '西园', '塘南', '红梅', '银湖',
  '锦溪', '上东', '南门', '梧桐', '桂花园', '湖畔', '运河', '枫华', '庆丰', '闻涛', '彩虹', '缤纷', '明月', '松木场', '玉泉', '万家',
];

const VILLAGE_STEMS = [
  '双桥', '杨家', '上泗', '周浦', '灵山', '何家', '石门', '长乐', '朱家', '钱家', '龙坞', '横山', '东山', '西山', '新华', '联丰',
  '永丰', '前进', '光明', '溪口', '桥头', '河头', '塘湾', '大坞', '里山', '外沙', '湖埠', '横村', '竹林', '茶山', '枫树', '山后',
  '洪桥', '仙岩', '清水', '沙田', '五联', '三合', '姚家', '渔山',
];

const ROADS = [
  '文一路', '文二西路', '文三路', '学院路', '教工路', '天目山路', '古墩路', '莫干山路', '湖墅南路', '延安路', '解放路', '庆春路',
  '凤起路', '体育场路', '环城北路', '秋涛路', '江南大道', '滨盛路', '长河路', '市心路', '金城路', '人民路', '文化路', '临平大道',
  '迎宾路', '江虹路', '东湖路', '星光街', '西溪路', '留和路', '紫金港路', '余杭塘路', '良睦路', '五常大道', '丰潭路', '登云路',
  '上塘路', '石桥路', '东新路', '秋石路', '钱江路', '复兴路', '之江路', '望江路', '清泰街', '建国路', '中河路', '富春路', '衣锦街',
];

/** A community or village of the grid, with what its addresses are made of. */
export interface GridCommunity {
  place: GridPlace;
  kind: 'COMMUNITY' | 'VILLAGE';
  roads: readonly string[];
}

/** The grid's own seed: fixed, so the city does not change with the population's seed. */
const GRID_SEED = 2026;

const distinct = (random: Random, pool: readonly string[], count: number): string[] => {
  const left = [...pool];
  return Array.from({ length: count }, () => left.splice(random.int(0, left.length - 1), 1)[0]);
};

const buildGrid = (): GridCommunity[] => {
  const random = new Random(GRID_SEED);
  const communities: GridCommunity[] = [];
  for (const { district, streets, towns } of DISTRICTS) {
    const units = [
      ...streets.map((name, i) => ({ kind: 'STREET' as const, unit: { code: `${district.code}${String(i + 1).padStart(3, '0')}`, name } })),
      ...towns.map((name, i) => ({ kind: 'TOWN' as const, unit: { code: `${district.code}${String(100 + i + 1).padStart(3, '0')}`, name } })),
    ];
    for (const { kind, unit: street } of units) {
      const urban = kind === 'STREET' ? random.int(5, 9) : random.int(1, 3);
      const rural = kind === 'STREET' ? 0 : random.int(4, 7);
      distinct(random, COMMUNITY_STEMS, urban).forEach((stem, i) =>
        communities.push({
          kind: 'COMMUNITY',
          place: { district, street, community: { code: `${street.code}${String(i + 1).padStart(3, '0')}`, name: `${stem}社区` } },
          roads: distinct(random, ROADS, 2),
        }),
      );
      distinct(random, VILLAGE_STEMS, rural).forEach((stem, i) =>
        communities.push({
          kind: 'VILLAGE',
          place: { district, street, community: { code: `${street.code}${String(200 + i + 1).padStart(3, '0')}`, name: `${stem}村` } },
          roads: [],
        }),
      );
    }
  }
  return communities;
};

export const CITY_GRID: readonly GridCommunity[] = buildGrid();

/** A street address in a community (road, number, building, unit, room), or a village's group and house number. */
export const addressIn = (community: GridCommunity, random: Random): string => {
  const { district, street, community: unit } = community.place;
  if (community.kind === 'VILLAGE') return `杭州市${district.name}${street.name}${unit.name}${random.int(1, 12)}组${random.int(1, 120)}号`;
  const room = `${random.int(1, 18)}${String(random.int(1, 4)).padStart(2, '0')}`;
  return `杭州市${district.name}${street.name}${random.pick(community.roads)}${random.int(1, 399)}号${random.int(1, 30)}幢${random.int(1, 4)}单元${room}室`;
};
