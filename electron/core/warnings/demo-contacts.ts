/**
 * Demo mode's contacts: for every village a 村居干部 (also its 三防责任人) and a 值班人员; for
 * every town two duty persons (group 镇街值班), a 三防责任人 and two rescue team members; and the
 * district 三防办 (group 区三防办, the default escalation group). Names are generated and the
 * numbers are in a block no real subscriber has; everything is marked demo.
 */
import type { ContactInput } from '../../../shared/contract/warnings';

const SURNAMES = ['陈', '黄', '李', '张', '刘', '叶', '曾', '邱', '钟', '罗', '谢', '赖', '何', '朱', '温', '廖', '古', '邓', '严', '魏'];
const GIVEN = ['伟强', '志明', '丽华', '建国', '秀英', '海峰', '晓东', '美玲', '国平', '文辉', '春梅', '德胜', '少华', '永康', '慧敏', '家豪', '振宇', '玉珍', '锦荣', '雪梅'];

export interface DemoContactPlace {
  code: string;
  name: string;
  level: 'district' | 'town' | 'village';
}

export function demoContacts(places: readonly DemoContactPlace[]): ContactInput[] {
  let n = 0;
  const person = (stationCode: string, roles: ContactInput['roles'], title: string, groups: string[] = []): ContactInput => {
    n++;
    const name = `${SURNAMES[(n * 7) % SURNAMES.length]}${GIVEN[(n * 13) % GIVEN.length]}`;
    // 139 0762 xxxx: a made-up block for the demo (0762 is Heyuan's area code).
    return { name, phone: `1390762${String(n).padStart(4, '0')}`, stationCode, roles, groups, title, note: '演示数据' };
  };
  const out: ContactInput[] = [];
  const district = places.find((p) => p.level === 'district');
  const home = district?.code ?? places.find((p) => p.level === 'town')?.code;
  if (home) {
    out.push(person(home, ['duty', 'flood-duty'], '区三防办值班主任', ['区三防办']));
    out.push(person(home, ['duty'], '区三防办值班员', ['区三防办']));
    out.push(person(home, ['flood-duty'], '区应急管理局副局长', ['区三防办']));
  }
  for (const t of places.filter((p) => p.level === 'town')) {
    out.push(person(t.code, ['duty'], `${t.name}值班员`, ['镇街值班']));
    out.push(person(t.code, ['duty'], `${t.name}值班员`, ['镇街值班']));
    out.push(person(t.code, ['flood-duty'], `${t.name}三防责任人`, ['镇街三防']));
    out.push(person(t.code, ['rescue'], `${t.name}应急救援队队长`, ['救援队']));
    out.push(person(t.code, ['rescue'], `${t.name}应急救援队队员`, ['救援队']));
  }
  for (const v of places.filter((p) => p.level === 'village')) {
    out.push(person(v.code, ['cadre', 'flood-duty'], `${v.name}党支部书记`));
    out.push(person(v.code, ['duty'], `${v.name}值班员`));
  }
  return out;
}
