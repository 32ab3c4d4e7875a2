/**
 * The release workflow's rules (who may do what in which state), expansion of a release into
 * deliveries, the end-of-release judgement, templates and audio helpers — all pure.
 */
import { describe, expect, it } from 'vitest';
import { allowedFor, finalStatus, needsApproval, refusal, scopeOf, type Caller } from '../../electron/core/warnings/rules';
import { coveredPlaces, expandEscalation, expandRelease, insideCapArea, type Inventory } from '../../electron/core/warnings/expand';
import { fillPlaceholders, WARNING_TEMPLATES } from '../../electron/core/warnings/templates';
import { attentionTone, wavDurationMs } from '../../electron/core/warnings/audio';
import type { Contact, Warning } from '../../shared/contract/warnings';

const op: Caller = { username: 'op1', role: 'operator' };
const op2: Caller = { username: 'op2', role: 'operator' };
const cmd: Caller = { username: 'cmd1', role: 'commander' };
const wall: Caller = { username: 'wall', role: 'wall' };

function subject(over: Partial<Pick<Warning, 'status' | 'createdBy' | 'needsApproval' | 'msgType'>> = {}) {
  return { status: 'draft' as const, createdBy: 'op1', needsApproval: true, msgType: 'Alert' as const, ...over };
}

describe('approval rules', () => {
  it('orange and red, or anything public, need approval; blue/yellow internal do not', () => {
    expect(needsApproval('orange', 'internal')).toBe(true);
    expect(needsApproval('red', 'internal')).toBe(true);
    expect(needsApproval('blue', 'public')).toBe(true);
    expect(needsApproval('yellow', 'internal')).toBe(false);
    expect(needsApproval('blue', 'internal')).toBe(false);
    expect(scopeOf(['duty', 'cadre'], ['sms'])).toBe('internal');
    expect(scopeOf(['residents', 'duty'], ['speaker', 'sms'])).toBe('public');
    expect(scopeOf(['duty'], ['radio'])).toBe('public');
  });

  it('an author cannot approve their own orange warning, and an operator cannot approve at all', () => {
    const own = subject({ status: 'submitted', createdBy: 'cmd1' });
    expect(refusal('approve', own, cmd)).toMatch(/author .* cannot approve/);
    expect(refusal('approve', subject({ status: 'submitted' }), op2)).toMatch(/only a commander/);
    expect(refusal('approve', subject({ status: 'submitted' }), cmd)).toBeNull();
    expect(refusal('reject', own, cmd)).toMatch(/two-person/);
  });

  it('follows the state machine', () => {
    expect(refusal('submit', subject(), op)).toBeNull();
    expect(refusal('submit', subject({ needsApproval: false }), op)).toMatch(/release it directly/);
    expect(refusal('approve', subject({ status: 'draft' }), cmd)).toMatch(/only a submitted/);
    expect(refusal('release', subject({ status: 'draft' }), op)).toMatch(/approval first/);
    expect(refusal('release', subject({ status: 'draft', needsApproval: false }), op)).toBeNull();
    expect(refusal('release', subject({ status: 'approved' }), op)).toBeNull();
    expect(refusal('release', subject({ status: 'completed' }), op)).toMatch(/cannot be released/);
    expect(refusal('breakGlass', subject({ status: 'submitted' }), op)).toBeNull();
    expect(refusal('breakGlass', subject({ status: 'approved' }), op)).toMatch(/draft or submitted/);
    expect(refusal('edit', subject({ status: 'submitted' }), op)).toMatch(/only a draft/);
    expect(refusal('update', subject({ status: 'draft' }), op)).toMatch(/only a released/);
    expect(refusal('update', subject({ status: 'completed' }), op)).toBeNull();
    expect(refusal('cancel', subject({ status: 'releasing' }), op)).toBeNull();
    expect(refusal('cancel', subject({ status: 'cancelled' }), op)).toMatch(/cannot be cancelled/);
    expect(refusal('cancel', subject({ status: 'completed', msgType: 'Cancel' }), op)).toMatch(/cannot be cancelled/);
    expect(refusal('edit', subject(), wall)).toMatch(/wall display/);
  });

  it('tells the renderer what the caller may do', () => {
    const a = allowedFor(subject({ status: 'submitted' }), cmd);
    expect(a).toMatchObject({ approve: true, reject: true, edit: false, submit: false, release: false, breakGlass: true, cancel: true });
    expect(allowedFor(subject({ status: 'submitted' }), op).approve).toBe(false);
  });

  it('judges a finished release', () => {
    const c = (o: Partial<Record<string, number>>) => ({ total: 0, queued: 0, sending: 0, sent: 0, confirmed: 0, failed: 0, cancelled: 0, ...o });
    expect(finalStatus(c({ total: 3, confirmed: 3 }), 0)).toBe('completed');
    expect(finalStatus(c({ total: 3, confirmed: 2, failed: 1 }), 0)).toBe('partial');
    expect(finalStatus(c({ total: 3, failed: 3 }), 0)).toBe('failed');
    expect(finalStatus(c({ total: 3, confirmed: 2, sent: 1 }), 1)).toBeNull();
    expect(finalStatus(c({ total: 3, confirmed: 2, sent: 1 }), 0)).toBe('partial');
    expect(finalStatus(c({ total: 3, confirmed: 2, queued: 1 }), 0)).toBeNull();
  });
});

const T1 = '441602001000';
const T2 = '441602100000';
const T3 = '441602101000';
const inv = (): Inventory => {
  const places: Inventory['places'][number][] = [{ code: '441602', name: '源城区', level: 'district', lat: 23.74, lon: 114.69 }];
  for (const [i, t] of [T1, T2, T3].entries()) {
    places.push({ code: t, name: `镇${i}`, level: 'town', parentCode: '441602', lat: 23.7 + i * 0.1, lon: 114.7 });
    for (let v = 1; v <= 2; v++) places.push({ code: `${t.slice(0, 9)}00${v}`, name: `村${i}${v}`, level: 'village', parentCode: t, lat: 23.7 + i * 0.1 + v * 0.01, lon: 114.7 + v * 0.01 });
  }
  const speakers = places.filter((p) => p.level !== 'district').map((p) => ({ id: `spk-${p.code}`, name: `${p.name}大喇叭`, resourceCode: `6${p.code}0314010101`, stationCode: p.code }));
  const contact = (id: string, phone: string, stationCode: string, roles: Contact['roles'], groups: string[] = []): Contact => ({ id, name: id, phone, stationCode, roles, groups, title: '', note: '', demo: true, updatedAt: '' });
  return {
    places,
    speakers,
    zones: [{ deviceId: 'amp', deviceName: '功放', stationCode: T1 }, { deviceId: 'amp', deviceName: '功放', stationCode: T3 }],
    radios: [{ id: 'radio', name: '电台' }],
    contacts: [
      contact('duty-t1', '13900000001', T1, ['duty']),
      contact('cadre-v21', '13900000002', `${T2.slice(0, 9)}001`, ['cadre', 'flood-duty']),
      contact('duty-t3', '13900000003', T3, ['duty']),
      contact('rescue-t1', '13900000004', T1, ['rescue'], ['救援队']),
      contact('dup', '13900000001', `${T1.slice(0, 9)}002`, ['duty']),
      contact('office', '13900000009', '441602', ['duty'], ['区三防办']),
    ],
  };
};

describe('expansion into deliveries', () => {
  it('two towns bring their villages: exactly those terminals, zones and people', () => {
    const out = expandRelease({ area: { stationCodes: [T1, T2] }, audiences: ['residents', 'duty', 'cadre'], channels: ['speaker', 'amplifier', 'sms'] }, inv());
    const speakers = out.filter((d) => d.channel === 'speaker').map((d) => d.stationCode);
    expect(speakers.sort()).toEqual([T1, `${T1.slice(0, 9)}001`, `${T1.slice(0, 9)}002`, T2, `${T2.slice(0, 9)}001`, `${T2.slice(0, 9)}002`].sort());
    expect(out.filter((d) => d.channel === 'amplifier').map((d) => d.target)).toEqual([`amp/${T1}`]);
    // One SMS per phone number; the rescue member is not an audience; T3's duty person is outside.
    expect(out.filter((d) => d.channel === 'sms').map((d) => d.contactId).sort()).toEqual(['cadre-v21', 'duty-t1']);
    expect(out.find((d) => d.contactId === 'cadre-v21')?.townCode).toBe(T2);
    expect(out.some((d) => d.channel === 'radio')).toBe(false);
  });

  it('the district code covers everything; a drawn polygon covers what lies inside it', () => {
    expect(coveredPlaces({ stationCodes: ['441602'] }, inv().places).size).toBe(9);
    const box = { areaDesc: '圈选', polygon: ['23.79,114.69 23.79,114.74 23.83,114.74 23.83,114.69 23.79,114.69'] };
    expect([...coveredPlaces({ stationCodes: [], drawn: box }, inv().places)].sort()).toEqual([T2, `${T2.slice(0, 9)}001`, `${T2.slice(0, 9)}002`].sort());
    expect(insideCapArea({ areaDesc: 'c', circle: ['23.7,114.7 1'] }, 23.705, 114.7)).toBe(true);
    expect(insideCapArea({ areaDesc: 'c', circle: ['23.7,114.7 1'] }, 23.8, 114.7)).toBe(false);
  });

  it('the radio net gets one delivery per radio', () => {
    const out = expandRelease({ area: { stationCodes: [T3] }, audiences: ['radio-net'], channels: ['radio'] }, inv());
    expect(out).toEqual([expect.objectContaining({ channel: 'radio', target: 'radio' })]);
  });

  it('escalation adds the group members not already reached', () => {
    const extra = expandEscalation('区三防办', new Set(['13900000001']), inv());
    expect(extra.map((d) => [d.contactId, d.escalated])).toEqual([['office', true]]);
  });
});

describe('templates and audio', () => {
  it('ships the six 三防 templates and fills their placeholders', () => {
    expect(WARNING_TEMPLATES.map((t) => t.name)).toEqual(['暴雨预警', '台风预警', '山洪预警', '水库预警', '内涝预警', '森林火险预警']);
    const t = WARNING_TEMPLATES[0]!;
    const text = fillPlaceholders(t.text, { areaName: '上城街道、源南镇', time: new Date('2026-06-01T06:05:00Z'), level: 'orange' });
    expect(text).toContain('6月1日14时05分发布暴雨橙色预警');
    expect(text).toContain('上城街道、源南镇');
    expect(text).not.toMatch(/\{/);
  });

  it('reads WAV durations and makes an attention tone', () => {
    const tone = attentionTone(3, 8000);
    expect(wavDurationMs(tone)).toBe(3000);
    expect(wavDurationMs(Buffer.from('not a wav at all, clearly not one at all, no'))).toBeNull();
  });
});
