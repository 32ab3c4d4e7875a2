/**
 * Keeps the link store live while a screen that shows the link is mounted: load the status,
 * and load it again after this screen's own connection to the core returns (a 'link.status'
 * sent while we were away is lost).
 */
import { onMounted, watch } from 'vue';
import { useConnectionStore } from '../stores/connection';
import { useLinkStore } from '../stores/link';

export function useLiveLink(options: { enabled?: () => boolean } = {}) {
  const enabled = options.enabled ?? (() => true);
  const link = useLinkStore();
  const connection = useConnectionStore();

  onMounted(() => {
    if (enabled()) void link.load();
  });

  watch(
    () => connection.state,
    (now, before) => {
      if (now === 'online' && before !== 'online' && enabled()) void link.load();
    },
  );

  return link;
}
