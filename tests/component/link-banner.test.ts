import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import type { LinkState } from '../../shared/contract';
import WallView from '../../renderer/src/views/WallView.vue';
import { STATIONS, linkStatus, mountShell } from './link-fixtures';
import { fakeHall, globalFor, ok, testRouter } from './fake-hall';

// A PC whose own zone is not the hall's: the banner must still say Asia/Shanghai time.
// (Node re-reads TZ when it is assigned; component tests have no Node types, hence the cast.)
const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
const savedTz = env['TZ'];
beforeAll(() => {
  env['TZ'] = 'America/New_York';
});
afterAll(() => {
  if (savedTz === undefined) delete env['TZ'];
  else env['TZ'] = savedTz;
});

const STALE: LinkState[] = ['connecting', 'reconnecting', 'offline', 'unauthorized', 'protocol-unsupported'];

describe('数据截至 banner', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('is absent while the link is online or not configured', async () => {
    const shell = await mountShell();
    expect(shell.banner().exists()).toBe(false);
    shell.hall.emit('link.status', linkStatus({ state: 'disabled' }));
    await flushPromises();
    expect(shell.banner().exists()).toBe(false);
  });

  it('appears in every other state, with the state in data-state', async () => {
    const shell = await mountShell();
    for (const state of STALE) {
      shell.hall.emit('link.status', linkStatus({ state }));
      await flushPromises();
      expect(shell.banner().exists()).toBe(true);
      expect(shell.banner().attributes('data-state')).toBe(state);
    }
  });

  it('says how old the data is in Asia/Shanghai time, the state and since when', async () => {
    const shell = await mountShell({
      'link.status': () => ok(linkStatus({ state: 'offline', since: '2025-06-01T06:04:10.000Z', lastAppliedAt: '2025-06-01T18:03:20.000Z' })),
    });
    const banner = shell.banner();
    // 18:03:20 UTC is 02:03:20 the next day in Shanghai (and 14:03:20 the same day in New York).
    expect(banner.get('[data-testid="data-as-of-time"]').text()).toContain('数据截至 2025-06-02 02:03:20');
    expect(banner.attributes('data-as-of')).toBe('2025-06-01T18:03:20.000Z');
    expect(banner.get('[data-testid="data-as-of-state"]').text()).toContain('区平台链路离线');
    expect(banner.get('[data-testid="data-as-of-state"]').text()).toContain('自 2025-06-01 14:04:10 起');
    expect(banner.text()).toContain('本地缓存');
  });

  it('goes away when the link comes back online', async () => {
    const shell = await mountShell({ 'link.status': () => ok(linkStatus({ state: 'reconnecting' })) });
    expect(shell.banner().exists()).toBe(true);
    shell.hall.emit('link.status', linkStatus({ state: 'online' }));
    await flushPromises();
    expect(shell.banner().exists()).toBe(false);
  });

  it('says so when nothing has ever been received from the platform', async () => {
    const shell = await mountShell({ 'link.status': () => ok(linkStatus({ state: 'unauthorized', lastAppliedAt: null, lastError: 'unauthorized: bad token' })) });
    expect(shell.banner().get('[data-testid="data-as-of-time"]').text()).toContain('数据截至 —');
    expect(shell.banner().text()).toContain('尚未从区平台同步过数据');
    expect(shell.banner().text()).toContain('区平台链路未授权');
    expect(shell.banner().text()).toContain('unauthorized: bad token');
  });

  it('speaks English in the English console', async () => {
    const shell = await mountShell({ 'link.status': () => ok(linkStatus({ state: 'offline' })) }, { locale: 'en' });
    expect(shell.banner().text()).toContain('Data as of 2025-06-01 14:03:20');
    expect(shell.banner().text()).toContain('District link Offline');
  });

  it('is shown large on a wall display, which never asks for the staff-only lists', async () => {
    const hall = fakeHall({
      'system.about': () => ok({ name: '源城区应急指挥中心', version: '0.1.0', demo: true }),
      'stations.list': () => ok(STATIONS),
      'link.status': () => ok(linkStatus({ state: 'offline' })),
    });
    const router = await testRouter([{ path: '/wall/:screenId', component: WallView, props: true }], '/wall/A1?token=t');
    const wrapper = mount(WallView, { props: { screenId: 'A1' }, global: globalFor(hall, router), attachTo: document.body });
    await flushPromises();
    const banner = wrapper.get('[data-testid="data-as-of-banner"]');
    expect(banner.classes()).toContain('as-of-wall');
    expect(banner.text()).toContain('数据截至 2025-06-01 14:03:20');
    const methods = hall.invoke.mock.calls.map((c) => c[0] as string);
    expect(methods.filter((m) => m.startsWith('link.') && m !== 'link.status')).toEqual([]);

    hall.emit('link.status', linkStatus({ state: 'online' }));
    await flushPromises();
    expect(wrapper.find('[data-testid="data-as-of-banner"]').exists()).toBe(false);
  });
});
