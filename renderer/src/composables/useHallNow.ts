/**
 * "Now" on the core's clock, re-read every `periodMs`: enough for "3 分钟前" ages without a
 * per-second re-render of every tree node (call it once per component, not per row).
 */
import { computed, onBeforeUnmount, onMounted, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useConnectionStore } from '../stores/connection';
import { ageOf } from '../domain/time';

export function useHallNow(periodMs = 20_000) {
  const connection = useConnectionStore();
  const now = ref(Date.now() + connection.clockOffsetMs);
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => {
    timer = setInterval(() => (now.value = Date.now() + connection.clockOffsetMs), periodMs);
  });
  onBeforeUnmount(() => clearInterval(timer));
  return computed(() => now.value);
}

/** `age(iso)` → "刚刚" / "5 分钟前" / "5 min ago", in the UI's language, on the core's clock. */
export function useAge(periodMs?: number) {
  const now = useHallNow(periodMs);
  const { t } = useI18n();
  return (value: string | null | undefined): string => {
    if (!value) return '—';
    const age = ageOf(value, now.value);
    return age ? t(`age.${age.unit}`, { n: age.n }) : '—';
  };
}
