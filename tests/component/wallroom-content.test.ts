import { describe, expect, it } from 'vitest';
import { isTyping, relayout, sceneForKey, sceneFromState } from '../../renderer/src/wallroom/content';
import { FULL, MAIN_SIDE, SCENES, wallState } from './wallroom-fixtures';

const key = (k: string, mods: Partial<KeyboardEvent> = {}) => ({ key: k, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, ...mods });

describe('wall room helpers', () => {
  it('maps keys to scenes: plain 1–9 and F1–F12 only', () => {
    expect(sceneForKey(key('2'), SCENES)?.id).toBe('flood-iv');
    expect(sceneForKey(key('F2'), SCENES)?.id).toBe('night');
    expect(sceneForKey(key('2', { ctrlKey: true }), SCENES)).toBeNull();
    expect(sceneForKey(key('0'), SCENES)).toBeNull();
    expect(sceneForKey(key('a'), SCENES)).toBeNull();
  });

  it('knows typing from pressing', () => {
    const text = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(isTyping(text)).toBe(true);
    expect(isTyping(box)).toBe(false);
    expect(isTyping(document.createElement('button'))).toBe(false);
    expect(isTyping(document.createElement('textarea'))).toBe(true);
  });

  it('saves the wall as a scene; another layout keeps contents in region order', () => {
    const state = wallState();
    const layouts = new Map([FULL, MAIN_SIDE].map((l) => [l.id, l]));
    const scene = sceneFromState(state, layouts, { id: 'scene-x', name: ' 夜间 ', hotkey: '5', layoutIds: { 'wall-2': 'main-side' } });
    expect(scene.id).toBe('scene-x');
    expect(scene.name).toBe('夜间');
    expect(scene.hotkey).toBe('5');
    // Screen 1 unchanged (empties dropped), screen 2 moved onto main-side in order.
    expect(scene.screens['wall-1']).toEqual({
      layoutId: 'main-side',
      content: { main: { kind: 'map' }, s1: { kind: 'clock' }, s2: { kind: 'kpi' }, s3: { kind: 'video', cameraId: 'cam-ptz' }, s4: { kind: 'video', cameraId: 'cam-fix' } },
    });
    expect(scene.screens['wall-2']).toEqual({ layoutId: 'main-side', content: { main: { kind: 'alerts', mode: 'board' } } });
    // main-side onto full: the first region's content survives.
    expect(relayout(state.screens[0]!.regions, FULL)).toEqual({ layoutId: 'full', content: { main: { kind: 'map' } } });
  });
});
