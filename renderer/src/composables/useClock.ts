/** A clock that ticks on each second boundary, on the core's time when the core has told us it. */
import { computed, onBeforeUnmount, onMounted, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useConnectionStore } from '../stores/connection';
import { hallDateLong, hallTime } from '../domain/time';

export function useClock() {
  const connection = useConnectionStore();
  const { locale } = useI18n();
  const now = ref(new Date(Date.now() + connection.clockOffsetMs));
  let timer: ReturnType<typeof setTimeout> | undefined;

  function tick(): void {
    now.value = new Date(Date.now() + connection.clockOffsetMs);
    // Re-aim at the next whole second so the display never skips or repeats one.
    timer = setTimeout(tick, 1000 - (now.value.getTime() % 1000) + 5);
  }

  onMounted(tick);
  onBeforeUnmount(() => clearTimeout(timer));

  return {
    now,
    time: computed(() => hallTime(now.value)),
    date: computed(() => hallDateLong(now.value, locale.value)),
  };
}
