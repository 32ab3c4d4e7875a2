/**
 * Closes a popover on Escape or on a pointer press outside `root` (the popover and the control
 * that opened it), while `active()` is true. Listeners live only as long as the component.
 */
import { onBeforeUnmount, onMounted, type Ref } from 'vue';

export function useDismiss(root: Ref<HTMLElement | null>, active: () => boolean, close: (reason: 'escape' | 'outside') => void): void {
  function onPointer(event: Event): void {
    if (!active() || !root.value) return;
    if (event.target instanceof Node && root.value.contains(event.target)) return;
    close('outside');
  }
  function onKey(event: KeyboardEvent): void {
    if (active() && event.key === 'Escape') close('escape');
  }
  onMounted(() => {
    // Capture phase: a press that another handler stops still closes the popover.
    document.addEventListener('pointerdown', onPointer, true);
    document.addEventListener('keydown', onKey);
  });
  onBeforeUnmount(() => {
    document.removeEventListener('pointerdown', onPointer, true);
    document.removeEventListener('keydown', onKey);
  });
}
