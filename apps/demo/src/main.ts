// The page: controls and drawing. Every computation happens in the worker (worker.ts), which owns TensorFlow.js
// and the models; this thread only sends requests, shows progress and draws the typed arrays that come back.
import { drawGallery, drawGray, drawRegion } from './draw.js';
import { MODELS, modelEntry } from './methods.js';
import type { InputKind, ModelId } from './methods.js';
import { FULL_REGION, SIZE } from './protocol.js';
import type { BackendReport, Region, Reply, Request } from './protocol.js';
import { el } from './page/elements.js';
import { pending, setOnReady, showFatal, worker } from './page/client.js';
import { hooks, pad, params, state } from './page/state.js';
import { setStatus } from './page/status.js';
import { explainsOf, inputChanged, methodChanged, modelChanged, showInputKind, showOutput } from './page/controls.js';
import { cancelRun, markCancelledByUser, runExplain, runLatent, runReport, scheduleExplain } from './page/runs.js';
import { showResult } from './page/results.js';
import { $ } from './page/elements.js';
import { startText } from './page/text.js';
import { startByom } from './byom/page.js';
import { startDatasetView } from './page/dataset.js';

hooks.inputChanged = inputChanged;
startByom(params.get('backend') === 'cpu' ? 'cpu' : 'wasm');

// Content-Security-Policy violations are logged as errors (the end-to-end test fails on any).
document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`));

async function start(): Promise<void> {
  for (const m of MODELS) el.model.append(new Option(m.label, m.id, m.id === state.model, m.id === state.model));
  const ready = new Promise<Extract<Reply, { type: 'ready' }>>((resolve) => {
    setOnReady(resolve);
  });
  const threads = Number(params.get('threads'));
  pending.set(0, { resolve: () => undefined, reject: () => undefined });
  worker.postMessage({
    type: 'init',
    backend: params.get('backend') === 'cpu' ? 'cpu' : 'wasm',
    ...(Number.isInteger(threads) && threads > 0 ? { threads } : {}),
    breakWasm: params.has('break-wasm'),
  } satisfies Request);
  const r = await ready;
  setOnReady(null);
  state.backend = r.backend;
  state.gallery = r.gallery;
  state.methods = r.methods;
  showBackend(r.backend);
  drawGallery(el.gallery, r.gallery.images, r.gallery.count, state.galleryIndex);
  el.model.disabled = false;
  el.method.disabled = false;
  el.explain.disabled = false;
  el.report.disabled = false;
  await modelChanged();
}

function showBackend(b: BackendReport): void {
  const simd = b.simd ? 'SIMD on' : 'SIMD off';
  const iso = b.isolated ? 'cross-origin isolated' : 'not cross-origin isolated: one thread';
  let text: string;
  if (b.backend === 'wasm') text = `Backend: wasm · ${simd} · ${b.threads} thread${b.threads === 1 ? '' : 's'} · ${iso}`;
  else if (b.requested === 'cpu') text = 'Backend: cpu (requested with ?backend=cpu) · 1 thread';
  else text = `Backend: cpu · fallback: WebAssembly could not start (${b.fallbackReason ?? 'unknown reason'}); everything works, only slower`;
  el.backend.textContent = text;
  el.backend.dataset['state'] = b.backend === 'wasm' ? 'wasm' : b.requested === 'cpu' ? 'cpu' : 'fallback';
  el.backend.dataset['backend'] = b.backend;
  el.backend.dataset['simd'] = String(b.simd);
  el.backend.dataset['threads'] = String(b.threads);
  el.backend.dataset['isolated'] = String(b.isolated);
}

// Events

el.model.addEventListener('change', () => {
  state.model = el.model.value as ModelId;
  void modelChanged();
});
el.inputKinds.addEventListener('click', (e) => {
  const b = (e.target as HTMLElement).closest('button');
  if (b === null || b.hidden) return;
  state.inputKind = b.dataset['kind'] as InputKind;
  showInputKind();
  void inputChanged();
});
el.gallery.addEventListener('click', (e) => {
  const g = state.gallery;
  if (g === null) return;
  const rect = el.gallery.getBoundingClientRect();
  const col = Math.floor(((e.clientX - rect.left) / rect.width) * 10);
  const row = Math.floor(((e.clientY - rect.top) / rect.height) * Math.ceil(g.count / 10));
  const i = row * 10 + col;
  if (i < 0 || i >= g.count) return;
  state.galleryIndex = i;
  drawGallery(el.gallery, g.images, g.count, i);
  void inputChanged();
});
el.padClear.addEventListener('click', () => {
  pad.clear();
  if (state.inputKind === 'draw') void inputChanged();
});
el.seed.addEventListener('change', () => {
  const v = Math.floor(Number(el.seed.value));
  state.seed = Number.isFinite(v) && v >= 0 ? v % 2 ** 32 : 0;
  el.seed.value = String(state.seed);
  void inputChanged();
});
el.seedRandom.addEventListener('click', () => {
  state.seed = Math.floor(Math.random() * 1_000_000);
  el.seed.value = String(state.seed);
  void inputChanged();
});
el.ganClass.addEventListener('change', () => void inputChanged());
el.method.addEventListener('change', () => {
  state.method = el.method.value;
  methodChanged();
});
el.objective.addEventListener('change', () => {
  el.explainsTitle.textContent = `Explanation of ${explainsOf(modelEntry(state.model).explains)}`;
  scheduleExplain();
});
el.target.addEventListener('change', () => {
  showOutput();
  scheduleExplain();
});
el.flagSensitivity.addEventListener('change', scheduleExplain);
el.flagSanity.addEventListener('change', scheduleExplain);
el.heatMode.addEventListener('change', () => showResult());
el.explain.addEventListener('click', () => void runExplain());
el.cancel.addEventListener('click', () => {
  const run = state.run;
  if (run === null) return;
  markCancelledByUser(run.id);
  cancelRun();
  setStatus('running', 'Cancelling…');
});
el.report.addEventListener('click', () => void runReport());

// Dragging a box on the generated image chooses the region that is explained.
let drag: { x: number; y: number } | null = null;
function cell(e: PointerEvent): { x: number; y: number } {
  const rect = el.output.getBoundingClientRect();
  const x = Math.min(SIZE, Math.max(0, ((e.clientX - rect.left) / rect.width) * SIZE));
  const y = Math.min(SIZE, Math.max(0, ((e.clientY - rect.top) / rect.height) * SIZE));
  return { x, y };
}
function boxOf(a: { x: number; y: number }, b: { x: number; y: number }): Region {
  const x0 = Math.floor(Math.min(a.x, b.x));
  const y0 = Math.floor(Math.min(a.y, b.y));
  const x1 = Math.max(x0 + 1, Math.ceil(Math.max(a.x, b.x)));
  const y1 = Math.max(y0 + 1, Math.ceil(Math.max(a.y, b.y)));
  return { x0, y0, x1: Math.min(SIZE, x1), y1: Math.min(SIZE, y1) };
}
el.output.addEventListener('pointerdown', (e) => {
  if (state.info === null || !state.info.imageOutput || state.output?.output === undefined) return;
  drag = cell(e);
  el.output.setPointerCapture(e.pointerId);
});
el.output.addEventListener('pointermove', (e) => {
  if (drag === null || state.output?.output === undefined) return;
  drawGray(el.output, state.output.output);
  drawRegion(el.output, boxOf(drag, cell(e)));
});
el.output.addEventListener('pointerup', (e) => {
  if (drag === null) return;
  const a = drag;
  const b = cell(e);
  drag = null;
  // A click without a drag resets the region to the whole image.
  state.region = Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5 ? { ...FULL_REGION } : boxOf(a, b);
  el.output.dataset['region'] = `${state.region.x0},${state.region.y0},${state.region.x1},${state.region.y1}`;
  showOutput();
  // Only the latent panel depends on the region when the image explainers explain something else (a GAN's
  // discriminator, an encoder's latent dimension).
  if (state.info !== null && (el.objective.value || state.info.objective) !== 'region') void runLatent();
  else scheduleExplain();
});

// The page's two tabs: the digit models (above) and the text models (page/text.ts). ?tab=text opens the second.
const pageTabs = $('page-tabs');
function showTab(tab: 'images' | 'text'): void {
  for (const b of pageTabs.querySelectorAll<HTMLButtonElement>('button')) b.setAttribute('aria-selected', String(b.dataset['tab'] === tab));
  $('images-main').hidden = tab !== 'images';
  $('text-main').hidden = tab !== 'text';
  if (tab === 'text') void startText();
}
pageTabs.addEventListener('click', (e) => {
  const b = (e.target as HTMLElement).closest('button');
  if (b !== null) showTab(b.dataset['tab'] === 'text' ? 'text' : 'images');
});
if (params.get('tab') === 'text') showTab('text');
startDatasetView(params.get('dataset') === 'open');

void start().catch((e: unknown) => showFatal((e as Error).message));
