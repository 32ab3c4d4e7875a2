/** The draw/measure tool bound to Vue state: the pure machine of draw-tool.ts plus the cursor. */
import { computed, ref, shallowRef } from 'vue';
import type { LatLon } from './cap-area';
import { drawClick, drawFeatures, drawFinish, drawResult, idleDraw, startDraw, type DrawMode, type DrawState } from './draw-tool';

export function useDrawTool() {
  const state = shallowRef<DrawState>(idleDraw());
  const cursor = ref<LatLon | undefined>();
  const active = computed(() => state.value.mode !== null);
  const drawing = computed(() => active.value && !state.value.finished);
  const result = computed(() => drawResult(state.value));
  const overlay = computed(() => drawFeatures(state.value, cursor.value));

  return {
    state,
    active,
    drawing,
    result,
    overlay,
    start(mode: DrawMode) {
      state.value = state.value.mode === mode && !state.value.finished ? idleDraw() : startDraw(mode);
      cursor.value = undefined;
    },
    click(at: LatLon): boolean {
      if (!drawing.value) return false;
      state.value = drawClick(state.value, at);
      return true;
    },
    finish(): boolean {
      if (!drawing.value) return false;
      state.value = drawFinish(state.value);
      return true;
    },
    move(at: LatLon) {
      if (drawing.value) cursor.value = at;
    },
    cancel() {
      state.value = idleDraw();
      cursor.value = undefined;
    },
  };
}
