import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import MapLayerPanel from '../../renderer/src/map/MapLayerPanel.vue';
import { OPERATIONAL_LAYERS } from '../../renderer/src/map/layers';
import { createHallI18n } from '../../renderer/src/i18n';

function mountPanel(visible = {}) {
  return mount(MapLayerPanel, {
    props: { layers: OPERATIONAL_LAYERS, visible, counts: { cameras: { fixed: 24, ptz: 12, offline: 3 }, stations: { online: 73, offline: 3 } } },
    global: { plugins: [createHallI18n('zh-CN')] },
  });
}

describe('MapLayerPanel', () => {
  it('lists each layer with its count and legend, later layers greyed and disabled', () => {
    const wrapper = mountPanel();
    expect(wrapper.get('[data-testid="layer-count"][data-layer="cameras"]').text()).toBe('39');
    expect(wrapper.get('[data-testid="layer-count"][data-layer="stations"]').text()).toBe('76');
    expect(wrapper.text()).toContain('云台');
    const slot = wrapper.get('[data-testid="layer-toggle"][data-layer="shelters"]');
    expect((slot.element as HTMLInputElement).disabled).toBe(true);
    expect(wrapper.text()).toContain('待接入');
  });

  it('a toggle says which layer and whether on or off', async () => {
    const wrapper = mountPanel({ sensors: false });
    const sensors = wrapper.get('[data-testid="layer-toggle"][data-layer="sensors"]');
    expect((sensors.element as HTMLInputElement).checked).toBe(false);
    await wrapper.get('[data-testid="layer-toggle"][data-layer="cameras"]').setValue(false);
    await sensors.setValue(true);
    expect(wrapper.emitted('toggle')).toEqual([
      ['cameras', false],
      ['sensors', true],
    ]);
  });
});
