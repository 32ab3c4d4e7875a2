import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { WallState } from '../../shared/contract';
import { useConnectionStore } from '../../renderer/src/stores/connection';
import { calls, forestFire, mountRoom, wallHandlers, wallState } from './wallroom-fixtures';
import { fail, ok } from './fake-hall';

afterEach(() => {
  document.body.innerHTML = '';
});

const press = async (key: string, target: EventTarget = document.body) => {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  await flushPromises();
};

describe('wall room: the mirror', () => {
  it('draws every screen with its layout and regions, spans and labels', async () => {
    const { wrapper } = await mountRoom(wallHandlers(() => wallState()));
    const screens = wrapper.findAll('[data-testid="mirror-screen"]');
    expect(screens.map((s) => [s.attributes('data-screen'), s.attributes('data-layout')])).toEqual([
      ['wall-1', 'main-side'],
      ['wall-2', 'full'],
    ]);
    const main = wrapper.get('[data-testid="mirror-region"][data-screen="wall-1"][data-region="main"]');
    expect(main.attributes('data-span')).toBe('2x2');
    expect(main.attributes('style')).toContain('grid-row: 1 / span 2');
    expect(main.attributes('style')).toContain('grid-column: 1 / span 2');
    expect(main.text()).toContain('地图');
    const s5 = wrapper.get('[data-testid="mirror-region"][data-screen="wall-1"][data-region="s5"]');
    expect(s5.attributes('style')).toContain('grid-row: 3 / span 1');
    expect(s5.text()).toContain('空');
    // Cameras by name, an offline one marked.
    expect(wrapper.get('[data-region="s3"][data-screen="wall-1"]').text()).toContain('上城街道河堤');
    expect(wrapper.get('[data-region="s4"][data-screen="wall-1"]').classes()).toContain('off');
    expect(wrapper.get('[data-region="main"][data-screen="wall-2"]').text()).toContain('告警看板');
    expect(wrapper.get('[data-testid="wall-source"]').text()).toBe('默认');
  });

  it('follows wall.changed, and never goes back to an older version', async () => {
    const { hall, wrapper } = await mountRoom(wallHandlers(() => wallState()));
    expect(hall.subscribers('wall.changed')).toBe(1);
    hall.emit('wall.changed', forestFire(5));
    await flushPromises();
    expect(wrapper.get('[data-testid="mirror-screen"][data-screen="wall-1"]').attributes('data-layout')).toBe('full');
    expect(wrapper.get('[data-testid="wall-scene-name"]').text()).toBe('森林火灾');
    expect(wrapper.get('[data-testid="wall-source"]').text()).toBe('人工指定');
    expect(wrapper.get('[data-testid="wall-status"]').text()).toContain('operator');
    hall.emit('wall.changed', wallState({ version: 4 }));
    await flushPromises();
    expect(wrapper.get('[data-testid="wall-scene-name"]').text()).toBe('森林火灾');
    wrapper.unmount();
    expect(hall.subscribers('wall.changed')).toBe(0);
  });

  it('reloads the state after a reconnect (even from a core whose versions restarted)', async () => {
    let state: WallState = wallState({ version: 40 });
    const { hall, wrapper } = await mountRoom(wallHandlers(() => state));
    const before = calls(hall.invoke, 'wall.state').length;
    state = forestFire(2);
    const connection = useConnectionStore();
    connection.state = 'reconnecting';
    await flushPromises();
    connection.state = 'online';
    await flushPromises();
    expect(calls(hall.invoke, 'wall.state').length).toBe(before + 1);
    expect(wrapper.get('[data-testid="wall-scene-name"]').text()).toBe('森林火灾');
  });

  it('shows an emergency takeover in red with the alert headline', async () => {
    const state = wallState({
      sceneId: 'emergency',
      sceneName: '应急接管',
      source: 'takeover',
      takeover: { sceneId: 'emergency', alertId: 'a-1', headline: '源城区暴雨红色预警', at: '2026-06-01T02:00:00.000Z' },
    });
    const { wrapper } = await mountRoom(wallHandlers(() => state));
    const status = wrapper.get('[data-testid="wall-status"]');
    expect(status.classes()).toContain('src-takeover');
    expect(wrapper.get('[data-testid="wall-source"]').text()).toBe('应急接管');
    expect(wrapper.get('[data-testid="wall-takeover"]').text()).toContain('源城区暴雨红色预警');
    expect(wrapper.find('[data-testid="wall-revert"]').exists()).toBe(false);
  });
});

describe('wall room: scenes', () => {
  it('applies a scene with its button and with its hotkey, not while typing', async () => {
    const { hall, wrapper } = await mountRoom(wallHandlers(() => wallState(), { 'wall.scenes.apply': ({ id }) => ok(id === 'forest-fire' ? forestFire(2) : wallState({ version: 3, sceneId: id })) }));
    expect(wrapper.get('[data-testid="scene-btn"][data-scene="daily"]').attributes('data-active')).toBe('true');
    await wrapper.get('[data-testid="scene-btn"][data-scene="forest-fire"]').trigger('click');
    await flushPromises();
    expect(calls(hall.invoke, 'wall.scenes.apply')).toEqual([{ id: 'forest-fire' }]);
    expect(wrapper.get('[data-testid="scene-btn"][data-scene="forest-fire"]').attributes('data-active')).toBe('true');

    await press('2');
    expect(calls(hall.invoke, 'wall.scenes.apply')).toEqual([{ id: 'forest-fire' }, { id: 'flood-iv' }]);
    await press('F2');
    expect(calls(hall.invoke, 'wall.scenes.apply').at(-1)).toEqual({ id: 'night' });
    // A key without a scene does nothing; typing in a field is not a hotkey.
    await press('7');
    const input = document.createElement('input');
    document.body.appendChild(input);
    await press('1', input);
    expect(calls(hall.invoke, 'wall.scenes.apply')).toHaveLength(3);
  });

  it('offers 恢复排班 only while an override holds the wall', async () => {
    const { hall, wrapper } = await mountRoom(wallHandlers(() => wallState(), { 'wall.revert': () => ok(wallState({ version: 7 })) }));
    expect(wrapper.find('[data-testid="wall-revert"]').exists()).toBe(false);
    hall.emit('wall.changed', forestFire(6));
    await flushPromises();
    await wrapper.get('[data-testid="wall-revert"]').trigger('click');
    await flushPromises();
    expect(calls(hall.invoke, 'wall.revert')).toEqual([{}]);
    expect(wrapper.find('[data-testid="wall-revert"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="wall-source"]').text()).toBe('默认');
  });

  it('offers delete for saved scenes only, and a viewer without control gets no buttons to press', async () => {
    const { wrapper } = await mountRoom(wallHandlers(() => wallState()));
    expect(wrapper.findAll('[data-testid="scene-delete"]').map((b) => b.attributes('data-scene'))).toEqual(['night']);
    wrapper.unmount();
    const viewer = await mountRoom(wallHandlers(() => wallState()), 'wall');
    expect(viewer.wrapper.get('[data-testid="scene-btn"][data-scene="daily"]').attributes('disabled')).toBeDefined();
    expect(viewer.wrapper.find('[data-testid="scene-save-as"]').exists()).toBe(false);
    await press('2');
    expect(calls(viewer.hall.invoke, 'wall.scenes.apply')).toEqual([]);
  });
});

describe('wall room: regions and PTZ', () => {
  it('sets a region to a camera from the picker and shows the core refusing a web origin', async () => {
    const { hall, wrapper } = await mountRoom(
      wallHandlers(() => wallState(), {
        'wall.setRegion': (p) => (p.content.kind === 'web' ? fail('invalid_params', 'https://evil.example is not in wall.webAllowlist') : ok(wallState({ version: 2 }))),
      }),
    );
    await wrapper.get('[data-testid="mirror-region"][data-screen="wall-1"][data-region="s3"]').trigger('click');
    const editor = wrapper.get('[data-testid="region-editor"]');
    expect(editor.get('[data-testid="region-current"]').text()).toBe('上城街道河堤');
    await editor.get('[data-testid="camera-search"]').setValue('东埔');
    expect(editor.findAll('[data-testid="camera-row"]').map((r) => r.attributes('data-camera'))).toEqual(['cam-fix']);
    await editor.get('[data-testid="camera-row"][data-camera="cam-fix"] [data-testid="camera-choose"]').trigger('click');
    await flushPromises();
    expect(calls(hall.invoke, 'wall.setRegion')).toEqual([{ screenId: 'wall-1', regionId: 's3', content: { kind: 'video', cameraId: 'cam-fix' } }]);

    await wrapper.get('[data-testid="region-kind"][data-kind="web"]').trigger('click');
    await wrapper.get('[data-testid="region-url"]').setValue('https://evil.example/page');
    await wrapper.get('[data-testid="region-apply"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="region-error"]').text()).toContain('wall.webAllowlist');
  });

  it('PTZ: pointerdown sends the action, pointerup and leaving send stop; unavailable is shown', async () => {
    const { hall, wrapper } = await mountRoom(
      wallHandlers(() => wallState(), {
        'video.ptz': ({ action }) => (action === 'zoomin' ? fail('unavailable', 'No PTZ route is configured for camera "cam-ptz"') : ok({ via: 'pelco-d' })),
        'video.preset': () => ok({ via: 'pelco-d' }),
      }),
    );
    await wrapper.get('[data-testid="mirror-region"][data-screen="wall-1"][data-region="s3"]').trigger('click');
    const pad = wrapper.get('[data-testid="ptz-pad"]');
    expect(pad.attributes('data-camera')).toBe('cam-ptz');
    const up = pad.get('[data-testid="ptz-dir"][data-action="up"]');
    await up.trigger('pointerdown', { button: 0 });
    await flushPromises();
    expect(calls(hall.invoke, 'video.ptz')).toEqual([{ cameraId: 'cam-ptz', action: 'up', speed: 32 }]);
    expect(pad.attributes('data-active')).toBe('up');
    await up.trigger('pointerup');
    await up.trigger('pointerleave');
    await flushPromises();
    expect(calls(hall.invoke, 'video.ptz')).toEqual([
      { cameraId: 'cam-ptz', action: 'up', speed: 32 },
      { cameraId: 'cam-ptz', action: 'stop' },
    ]);

    const right = pad.get('[data-testid="ptz-dir"][data-action="downright"]');
    await pad.get('[data-testid="ptz-speed"]').setValue('60');
    await right.trigger('pointerdown', { button: 0 });
    await right.trigger('pointerleave');
    await flushPromises();
    expect(calls(hall.invoke, 'video.ptz').slice(2)).toEqual([
      { cameraId: 'cam-ptz', action: 'downright', speed: 60 },
      { cameraId: 'cam-ptz', action: 'stop' },
    ]);

    // Losing the window stops a move too.
    await right.trigger('pointerdown', { button: 0 });
    window.dispatchEvent(new Event('blur'));
    await flushPromises();
    expect(calls(hall.invoke, 'video.ptz').at(-1)).toEqual({ cameraId: 'cam-ptz', action: 'stop' });

    const zoom = pad.get('[data-testid="ptz-zoom"][data-action="zoomin"]');
    await zoom.trigger('pointerdown', { button: 0 });
    await flushPromises();
    expect(wrapper.get('[data-testid="ptz-error"]').text()).toContain('云台不可用');
    await zoom.trigger('pointerup');
    await flushPromises();
    expect(calls(hall.invoke, 'video.ptz').at(-1)).toEqual({ cameraId: 'cam-ptz', action: 'stop' });

    await pad.get('[data-testid="ptz-preset-n"][data-n="3"]').trigger('click');
    await pad.get('[data-testid="ptz-preset-goto"]').trigger('click');
    await flushPromises();
    expect(calls(hall.invoke, 'video.preset')).toEqual([{ cameraId: 'cam-ptz', op: 'goto', n: 3 }]);
  });

  it('no PTZ pad for a fixed camera', async () => {
    const { wrapper } = await mountRoom(wallHandlers(() => wallState()));
    await wrapper.get('[data-testid="mirror-region"][data-screen="wall-1"][data-region="s4"]').trigger('click');
    expect(wrapper.find('[data-testid="region-editor"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="ptz-pad"]').exists()).toBe(false);
  });
});
