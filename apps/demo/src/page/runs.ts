// Running explanations, the latent panel and the report in the worker, with progress and cancel.
import { methodView } from '../methods.js';
import type { Reply, Request } from '../protocol.js';
import { el } from './elements.js';
import { call, worker } from './client.js';
import { inputSpec, state } from './state.js';
import { markFinished, setStatus } from './status.js';
import { showLatent, showResult } from './results.js';

let timer: ReturnType<typeof setTimeout> | undefined;
/** The run the Cancel button stopped (its abort is reported; runs replaced by newer ones are not). */
let cancelledByUser = 0;
export function scheduleExplain(): void {
  clearTimeout(timer);
  timer = setTimeout(() => void runExplain(), 200);
}

export function cancelRun(): void {
  clearTimeout(timer);
  if (state.run !== null) {
    worker.postMessage({ type: 'cancel', id: state.run.id } satisfies Request);
    state.run = null;
  }
  el.cancel.disabled = true;
}

export function progressHandler(label: string): (r: Extract<Reply, { type: 'progress' }>) => void {
  return (r) => {
    const part = r.total > 0 ? r.done / r.total : 0;
    el.progress.value = (r.step + part) / r.steps;
    el.status.textContent = `${label}: ${r.stage} ${r.done}/${r.total} (stage ${r.step + 1} of ${r.steps})`;
  };
}

export async function runExplain(): Promise<void> {
  if (state.info === null || state.output === null) return;
  cancelRun();
  const version = state.version;
  const m = methodView(state.methods, state.method);
  const target = state.info.objective === 'logits' && el.target.value !== '' ? Number(el.target.value) : null;
  setStatus('running', `${m.label}…`);
  el.status.dataset['method'] = state.method;
  el.status.dataset['model'] = state.model;
  el.progress.value = 0;
  el.cancel.disabled = false;
  const { id, done } = call<'explained'>(
    {
      type: 'explain',
      model: state.model,
      input: inputSpec(),
      region: state.region,
      method: state.method,
      options: { ...state.options },
      target,
      ...(state.info.objectives.length > 1 ? { objective: el.objective.value } : {}),
      metrics: { sensitivity: el.flagSensitivity.checked, sanity: el.flagSanity.checked && state.info.randomizable },
      seed: 0,
    },
    progressHandler(m.label),
  );
  state.run = { id, kind: 'explain' };
  try {
    const r = await done;
    if (state.run?.id !== id || version !== state.version) return;
    state.result = r.result;
    showResult();
    el.progress.value = 1;
    const extras = Object.entries(r.result.extra)
      .filter(([, v]) => typeof v === 'number')
      .map(([k, v]) => `${k} ${(v as number).toFixed(3)}`);
    setStatus('done', `${m.label} done in ${(r.result.ms / 1000).toFixed(2)} s${extras.length ? ` · ${extras.join(' · ')}` : ''}`);
    markFinished();
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ABORTED') {
      // Runs replaced by a newer one are aborted silently; only the Cancel button reports.
      if (cancelledByUser === id) setStatus('cancelled', `${m.label} cancelled.`);
    } else if (state.run?.id === id) setStatus('error', `${m.label} failed: ${err.message}`);
    if (state.run?.id === id || cancelledByUser === id) el.progress.value = 0;
  } finally {
    if (state.run?.id === id) {
      state.run = null;
      el.cancel.disabled = true;
    }
  }
}

export async function runLatent(): Promise<void> {
  if (state.info === null) return;
  cancelRun();
  setStatus('running', 'Latent attribution…');
  el.status.dataset['method'] = 'latent';
  el.status.dataset['model'] = state.model;
  el.cancel.disabled = false;
  const { id, done } = call<'latent'>({ type: 'latent', model: state.model, input: inputSpec(), region: state.region, steps: 16, dims: 5 }, progressHandler('Latent panel'));
  state.run = { id, kind: 'latent' };
  try {
    const r = await done;
    if (state.run?.id !== id) return;
    if (state.result !== null) state.result.latent = r.latent;
    showLatent(r.latent);
    el.progress.value = 1;
    setStatus('done', `Latent attribution of rows ${r.latent.region.y0}–${r.latent.region.y1 - 1}, columns ${r.latent.region.x0}–${r.latent.region.x1 - 1} done.`);
    markFinished();
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ABORTED') {
      if (cancelledByUser === id) setStatus('cancelled', 'Cancelled.');
    } else if (state.run?.id === id) setStatus('error', err.message);
  } finally {
    if (state.run?.id === id) {
      state.run = null;
      el.cancel.disabled = true;
    }
  }
}

export async function runReport(): Promise<void> {
  if (state.info === null) return;
  cancelRun();
  setStatus('running', 'Report…');
  el.status.dataset['method'] = 'report';
  el.status.dataset['model'] = state.model;
  el.cancel.disabled = false;
  const { id, done } = call<'report'>({ type: 'report', model: state.model, input: inputSpec() }, progressHandler('Report'));
  state.run = { id, kind: 'report' };
  try {
    const r = await done;
    const url = URL.createObjectURL(new Blob([r.html], { type: 'text/html' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `glassbox-report-${state.model}.html`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    el.progress.value = 1;
    setStatus('done', `Report written (${(r.html.length / 1024).toFixed(0)} kB).`);
    markFinished();
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ABORTED') {
      if (cancelledByUser === id) setStatus('cancelled', 'Report cancelled.');
    } else if (state.run?.id === id) setStatus('error', `Report failed: ${err.message}`);
  } finally {
    if (state.run?.id === id) {
      state.run = null;
      el.cancel.disabled = true;
    }
  }
}

/** Marks a run as cancelled by the user (its abort is then reported). */
export function markCancelledByUser(id: number): void {
  cancelledByUser = id;
}
