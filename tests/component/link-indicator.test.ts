import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { LinkState, LinkStatus, Result } from '../../shared/contract';
import { ACTIONS, QUARANTINE, linkStatus, mountShell } from './link-fixtures';
import { fail, ok } from './fake-hall';

const ZH: Record<LinkState, string> = {
  online: '在线',
  connecting: '连接中',
  reconnecting: '重连中',
  offline: '离线',
  unauthorized: '未授权',
  'protocol-unsupported': '协议不兼容',
  disabled: '未配置',
};

describe('link indicator', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('keeps the console-connection indicator and adds the district link beside it, loaded from link.status', async () => {
    const shell = await mountShell();
    const conn = shell.wrapper.get('[data-testid="conn-indicator"]');
    expect(conn.attributes('data-state')).toBe('online');
    expect(conn.text()).toContain('在线');
    expect(shell.calls('link.status')).toHaveLength(1);
    expect(shell.indicator().attributes('data-state')).toBe('online');
    expect(shell.indicator().text()).toContain('区平台');
    expect(shell.indicator().get('[data-testid="link-state-text"]').text()).toBe('在线');
  });

  it('shows every state in Chinese words with the state in data-state, following link.status events', async () => {
    const shell = await mountShell();
    for (const [state, words] of Object.entries(ZH) as [LinkState, string][]) {
      shell.hall.emit('link.status', linkStatus({ state }));
      await flushPromises();
      expect(shell.indicator().attributes('data-state')).toBe(state);
      expect(shell.indicator().get('[data-testid="link-state-text"]').text()).toBe(words);
    }
  });

  it('says the state in English too', async () => {
    const shell = await mountShell({ 'link.status': () => ok(linkStatus({ state: 'protocol-unsupported' })) }, { locale: 'en' });
    expect(shell.indicator().text()).toContain('District');
    expect(shell.indicator().get('[data-testid="link-state-text"]').text()).toBe('Protocol unsupported');
  });

  it('shows the lag and the pending and failed actions only when there are any', async () => {
    const shell = await mountShell();
    expect(shell.indicator().find('[data-testid="link-lag"]').exists()).toBe(false);
    expect(shell.indicator().find('[data-testid="link-pending"]').exists()).toBe(false);
    expect(shell.indicator().find('[data-testid="link-failed"]').exists()).toBe(false);

    shell.hall.emit('link.status', linkStatus({ headSeq: 1242, lag: 42, pendingActions: 3, failedActions: 1 }));
    await flushPromises();
    expect(shell.indicator().get('[data-testid="link-lag"]').text()).toBe('滞后 42');
    expect(shell.indicator().get('[data-testid="link-pending"]').text()).toBe('待发 3');
    expect(shell.indicator().get('[data-testid="link-failed"]').text()).toBe('失败 1');
  });

  it('a status answer that comes after a newer event does not undo it', async () => {
    let answer!: (r: Result<LinkStatus>) => void;
    const shell = await mountShell({ 'link.status': () => new Promise<Result<LinkStatus>>((resolve) => (answer = resolve)) });
    shell.hall.emit('link.status', linkStatus({ state: 'offline' }));
    answer(ok(linkStatus({ state: 'connecting' })));
    await flushPromises();
    expect(shell.indicator().attributes('data-state')).toBe('offline');
  });

  it('shows "unknown" until the core answers, and not a state it never said', async () => {
    const shell = await mountShell({ 'link.status': () => fail('unavailable', 'core not reachable') });
    expect(shell.indicator().attributes('data-state')).toBe('unknown');
    expect(shell.indicator().text()).toContain('未知');
  });
});

describe('link details panel', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    document.body.innerHTML = '';
  });

  async function openPanel(...args: Parameters<typeof mountShell>) {
    const shell = await mountShell(...args);
    await shell.indicator().trigger('click');
    await flushPromises();
    return { ...shell, panel: () => shell.wrapper.find('[data-testid="link-details"]') };
  }

  it('opens on click with the link facts and the counters', async () => {
    const view = await openPanel({
      'link.status': () => ok(linkStatus({ state: 'reconnecting', headSeq: 1250, lag: 50, pendingActions: 1, failedActions: 1, quarantined: 2, lastError: 'connect ECONNREFUSED 10.0.0.5:7700' })),
    });
    const panel = view.panel();
    expect(panel.exists()).toBe(true);
    expect(view.indicator().attributes('aria-expanded')).toBe('true');
    expect(panel.get('[data-testid="link-url"]').text()).toBe('http://platform.example:7700');
    expect(panel.get('[data-testid="link-server-id"]').text()).toBe('district-sim-1');
    expect(panel.get('[data-testid="link-epoch"]').text()).toBe('ep-2025-06');
    expect(panel.get('[data-testid="link-cursor"]').text()).toBe('1200 / 1250');
    expect(panel.get('[data-testid="link-last-applied"]').text()).toContain('2025-06-01 14:03:20');
    expect(panel.get('[data-testid="link-last-error"]').text()).toContain('ECONNREFUSED');
    expect(panel.text()).toContain('自 2025-06-01 14:00:00 起');
    expect(panel.get('[data-testid="link-count-lag"]').attributes('data-value')).toBe('50');
    expect(panel.get('[data-testid="link-count-quarantined"]').attributes('data-value')).toBe('2');
  });

  it('lists the quarantine: seq, kind, reason, and the raw payload folded away', async () => {
    const view = await openPanel();
    expect(view.calls('link.quarantine.list')).toEqual([{ limit: 100 }]);
    const rows = view.panel().findAll('[data-testid="quarantine-item"]');
    expect(rows).toHaveLength(QUARANTINE.length);
    expect(rows[0]!.attributes('data-seq')).toBe('1187');
    expect(rows[0]!.text()).toContain('序号 1187');
    expect(rows[0]!.text()).toContain('传感器');
    expect(rows[0]!.text()).toContain('S-RAIN-0042');
    expect(rows[0]!.get('[data-testid="quarantine-reason"]').text()).toBe('data.lat: expected number, received string');
    const raw = rows[0]!.get('details');
    expect((raw.element as HTMLDetailsElement).open).toBe(false);
    expect(raw.get('[data-testid="quarantine-raw"]').text()).toContain('"lat": "north"'); // pretty-printed
    expect(rows[1]!.text()).toContain('无序号');
    expect(rows[1]!.text()).toContain('未知类型');
  });

  it('lists the outbox with each action state, and filters by state', async () => {
    const view = await openPanel();
    expect(view.calls('link.actions.list')).toEqual([{ limit: 100 }]);
    await view.panel().get('[data-testid="link-tab-actions"]').trigger('click');
    const rows = view.panel().findAll('[data-testid="action-item"]');
    expect(rows.map((r) => r.attributes('data-state'))).toEqual(ACTIONS.map((a) => a.state));
    expect(rows[0]!.text()).toContain('待发送');
    expect(rows[0]!.text()).toContain('已尝试 3 次');
    expect(rows[0]!.text()).toContain('timeout after 10 s');
    expect(rows[1]!.text()).toContain('invalid_payload: missing stationCode');

    await view.panel().get('[data-testid="action-filter"][data-filter="failed"]').trigger('click');
    await flushPromises();
    expect(view.calls('link.actions.list').at(-1)).toEqual({ state: 'failed', limit: 100 });
    expect(view.panel().findAll('[data-testid="action-item"]').map((r) => r.attributes('data-id'))).toEqual(['a-failed']);
  });

  it('refetches the lists when a status event moves the counters while open, and not when closed', async () => {
    const view = await openPanel();
    expect(view.calls('link.quarantine.list')).toHaveLength(1);
    view.hall.emit('link.status', linkStatus({ quarantined: 3 }));
    await flushPromises();
    expect(view.calls('link.quarantine.list')).toHaveLength(2);
    expect(view.calls('link.actions.list')).toHaveLength(2);

    await view.indicator().trigger('click'); // closes
    expect(view.panel().exists()).toBe(false);
    view.hall.emit('link.status', linkStatus({ quarantined: 4 }));
    await flushPromises();
    expect(view.calls('link.quarantine.list')).toHaveLength(2);
  });

  it('closes on Escape and on a press outside, not on a press inside', async () => {
    const view = await openPanel();
    view.panel().element.dispatchEvent(new Event('pointerdown', { bubbles: true }));
    await flushPromises();
    expect(view.panel().exists()).toBe(true);

    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await flushPromises();
    expect(view.panel().exists()).toBe(false);

    await view.indicator().trigger('click');
    expect(view.panel().exists()).toBe(true);
    view.wrapper.get('[data-testid="station-tree"]').element.dispatchEvent(new Event('pointerdown', { bubbles: true }));
    await flushPromises();
    expect(view.panel().exists()).toBe(false);
  });

  it('shows a wall-role user the facts but never asks for the staff-only lists', async () => {
    const view = await openPanel({}, { role: 'wall' });
    expect(view.panel().get('[data-testid="link-url"]').text()).toBe('http://platform.example:7700');
    expect(view.panel().find('[data-testid="link-staff-only"]').exists()).toBe(true);
    expect(view.panel().find('[data-testid="link-quarantine"]').exists()).toBe(false);
    expect(view.calls('link.quarantine.list')).toEqual([]);
    expect(view.calls('link.actions.list')).toEqual([]);
  });

  it('says that no platform is configured when the link is disabled', async () => {
    const view = await openPanel({ 'link.status': () => ok(linkStatus({ state: 'disabled', url: null, serverId: null, epoch: null, lastAppliedAt: null })) });
    expect(view.indicator().get('[data-testid="link-state-text"]').text()).toBe('未配置');
    expect(view.panel().text()).toContain('未配置区平台');
    expect(view.panel().get('[data-testid="link-url"]').text()).toBe('—');
  });
});
