/**
 * 设置 → 告警规则: everyone sees the rules; an admin edits thresholds, hysteresis and on/off and
 * saves one rule at a time; the core's refusal is shown with every problem it named.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import AlertRulesEditor from '../../renderer/src/components/AlertRulesEditor.vue';
import type { AlertRule, Role } from '../../shared/contract';
import { Blank, fail, fakeHall, globalFor, ok, testRouter } from './fake-hall';

const RULES: AlertRule[] = [
  { id: 'waterlog-depth', name: '内涝积水深度', sensorType: 'waterlog', metric: 'value', thresholds: { blue: 10, yellow: 15, orange: 30, red: 50 }, hysteresis: 2, alertType: 'waterlog', enabled: true },
  { id: 'rain-3h', name: '暴雨（3小时雨量）', sensorType: 'rain', metric: 'rain-3h', thresholds: { yellow: 30, orange: 50, red: 100 }, hysteresis: 3, alertType: 'rainstorm', enabled: true },
];

async function mountAs(role: Role, save = (p: { rule: AlertRule }) => ok(p.rule)) {
  const hall = fakeHall({ 'alerts.rules.list': () => ok(RULES), 'alerts.rules.save': save });
  const router = await testRouter([{ path: '/', component: Blank }], '/');
  const wrapper = mount(AlertRulesEditor, { global: globalFor(hall, router, 'zh-CN', { session: { status: 'signedIn', user: { username: role, displayName: role, role } } }) });
  await flushPromises();
  return { hall, wrapper };
}

describe('the alert rules editor', () => {
  it('an admin changes a threshold and the hysteresis and saves that rule only', async () => {
    const { hall, wrapper } = await mountAs('admin');
    const row = wrapper.find('[data-testid="alert-rule"][data-id="waterlog-depth"]');
    expect(row.find('[data-testid="rule-save"]').attributes('disabled')).toBeDefined(); // nothing changed yet
    await row.find('input[data-level="yellow"]').setValue('20');
    await row.find('input[data-level="blue"]').setValue('');
    await row.find('[data-testid="rule-hysteresis"]').setValue('1.5');
    await row.find('[data-testid="rule-save"]').trigger('click');
    await flushPromises();
    expect(hall.invoke).toHaveBeenCalledWith('alerts.rules.save', { rule: { ...RULES[0], thresholds: { yellow: 20, orange: 30, red: 50 }, hysteresis: 1.5 } });
    expect(row.find('[data-testid="rule-saved"]').exists()).toBe(true);
  });

  it('shows every problem the core names, and refuses a threshold that is not a number before asking', async () => {
    const { hall, wrapper } = await mountAs('admin', () => fail('invalid_params', 'Invalid params', [{ path: 'rule.thresholds', problem: 'thresholds must rise from blue to red' }]));
    const row = wrapper.find('[data-testid="alert-rule"][data-id="rain-3h"]');
    await row.find('input[data-level="red"]').setValue('abc');
    await row.find('[data-testid="rule-save"]').trigger('click');
    await flushPromises();
    expect(hall.invoke).not.toHaveBeenCalledWith('alerts.rules.save', expect.anything());
    expect(wrapper.find('[data-testid="rule-error"]').text()).toContain('abc');
    await row.find('input[data-level="red"]').setValue('10');
    await row.find('[data-testid="rule-save"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="rule-error"]').text()).toContain('thresholds must rise from blue to red');
  });

  it('an operator sees the rules but cannot change them', async () => {
    const { wrapper } = await mountAs('operator');
    expect(wrapper.findAll('[data-testid="alert-rule"]')).toHaveLength(2);
    expect(wrapper.find('input[data-level="red"]').attributes('disabled')).toBeDefined();
    expect(wrapper.find('[data-testid="rule-save"]').exists()).toBe(false);
  });
});
