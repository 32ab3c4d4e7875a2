/**
 * What the incidents room and the decision room share: who may do what (staff record, commanders
 * decide), a busy flag around calls, a short notice, and the situation report as a download.
 */
import { computed, onBeforeUnmount, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { STAFF, type HallErrorBody, type Result } from '../../../shared/contract';
import { useSessionStore } from '../stores/session';
import { useIncidentsStore } from '../stores/incidents';
import { base64ToBlob, download } from '../warnings/files';

export function useIncidentActions() {
  const { t } = useI18n();
  const session = useSessionStore();
  const store = useIncidentsStore();
  const busy = ref(false);
  const notice = ref<{ kind: 'ok' | 'error'; text: string } | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const canAct = computed(() => session.role !== null && STAFF.includes(session.role));
  const isCommander = computed(() => session.role === 'commander' || session.role === 'admin');

  function say(kind: 'ok' | 'error', text: string): void {
    notice.value = { kind, text };
    clearTimeout(timer);
    timer = setTimeout(() => (notice.value = null), kind === 'ok' ? 3500 : 8000);
  }
  const failure = (e: HallErrorBody) => t('incidents.actions.failed', { message: e.message });

  /** Run a call with the busy flag; a failure is said, and the result handed back. */
  async function run<T>(call: () => Promise<Result<T>>, done?: string): Promise<Result<T>> {
    busy.value = true;
    try {
      const r = await call();
      if (!r.ok) say('error', failure(r.error));
      else if (done) say('ok', done);
      return r;
    } finally {
      busy.value = false;
    }
  }

  /** Make the situation report, download the PDF (it stays with the incident in the core too). */
  async function makeReport(id: string): Promise<void> {
    const r = await run(() => store.report(id));
    if (!r.ok) return;
    download(base64ToBlob(r.value.dataBase64, 'application/pdf'), r.value.filename);
    say('ok', t('incidents.actions.reportDone', { filename: r.value.filename }));
  }

  async function toWall(id: string): Promise<void> {
    await run(() => store.wall(id), t('incidents.actions.wallDone'));
  }

  onBeforeUnmount(() => clearTimeout(timer));
  return { busy, notice, canAct, isCommander, say, failure, run, makeReport, toWall };
}
