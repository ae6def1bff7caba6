// The page: controls and drawing. Every computation happens in the worker (worker.ts), which owns TensorFlow.js
// and the models; this thread only sends requests, shows progress and draws the typed arrays that come back.
import type { NormalizeMode } from '@glassbox/viz';
import { CURVE_AXIS, clear, curvesChart, drawAttribution, drawCode, drawGallery, drawGray, drawJacobian, drawRegion, drawTraversal, latentChart, setSvg } from './draw.js';
import { MODELS, applies, defaultOptions, methodView, modelEntry } from './methods.js';
import type { InputKind, MethodView, ModelCapabilities, ModelId, OptionValues } from './methods.js';
import { FULL_REGION, PIXELS, SIZE } from './protocol.js';
import type { BackendReport, ExplainData, InputSpec, LatentData, ModelInfo, OutputData, Region, Reply, Request } from './protocol.js';
import { DrawPad } from './pad.js';

// ---------------------------------------------------------------------------------------------------------------
// Elements

function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} is missing`);
  return el as T;
}
const el = {
  backend: $('backend'),
  model: $<HTMLSelectElement>('model'),
  modelNote: $('model-note'),
  modelInfo: $('model-info'),
  inputKinds: $('input-kinds'),
  gallery: $<HTMLCanvasElement>('gallery'),
  pad: $<HTMLCanvasElement>('pad'),
  padClear: $<HTMLButtonElement>('pad-clear'),
  seed: $<HTMLInputElement>('seed'),
  seedRandom: $<HTMLButtonElement>('seed-random'),
  ganClassRow: $('gan-class-row'),
  ganClass: $<HTMLSelectElement>('gan-class'),
  method: $<HTMLSelectElement>('method'),
  methodNote: $('method-note'),
  options: $('options'),
  targetRow: $('target-row'),
  target: $<HTMLSelectElement>('target'),
  flagSensitivity: $<HTMLInputElement>('flag-sensitivity'),
  flagSanity: $<HTMLInputElement>('flag-sanity'),
  sanityRow: $('sanity-row'),
  heatMode: $<HTMLSelectElement>('heat-mode'),
  explain: $<HTMLButtonElement>('explain'),
  cancel: $<HTMLButtonElement>('cancel'),
  report: $<HTMLButtonElement>('report'),
  progress: $<HTMLProgressElement>('progress'),
  status: $('status'),
  explainsTitle: $('explains-title'),
  input: $<HTMLCanvasElement>('input'),
  inputCaption: $('input-caption'),
  probs: $('probs'),
  outputWrap: $('output-wrap'),
  output: $<HTMLCanvasElement>('output'),
  outputCaption: $('output-caption'),
  cycleFigure: $('cycle-figure'),
  cycle: $<HTMLCanvasElement>('cycle'),
  heatmap: $<HTMLCanvasElement>('heatmap'),
  heatmapCaption: $('heatmap-caption'),
  colorbar: $<HTMLCanvasElement>('colorbar'),
  overlay: $<HTMLCanvasElement>('overlay'),
  regionHint: $('region-hint'),
  extra: $('extra'),
  metricsPanel: $('metrics-panel'),
  curves: $('curves'),
  metrics: $<HTMLTableElement>('metrics'),
  latentPanel: $('latent-panel'),
  latentBars: $('latent-bars'),
  traversal: $<HTMLCanvasElement>('traversal'),
  jacobian: $<HTMLCanvasElement>('jacobian'),
};

// ---------------------------------------------------------------------------------------------------------------
// The worker and its replies

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'glassbox' });
let nextId = 1;
const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error & { code?: string }) => void; onProgress?: (r: Extract<Reply, { type: 'progress' }>) => void }>();
let onReady: ((r: Extract<Reply, { type: 'ready' }>) => void) | null = null;

worker.onmessage = (event: MessageEvent<Reply>): void => {
  const r = event.data;
  if (r.type === 'ready') {
    onReady?.(r);
    return;
  }
  const p = pending.get(r.id);
  if (p === undefined) return;
  if (r.type === 'progress') {
    p.onProgress?.(r);
    return;
  }
  pending.delete(r.id);
  if (r.type === 'error') {
    if (r.id === 0 && onReady !== null) showFatal(r.message);
    p.reject(Object.assign(new Error(r.message), r.code !== undefined ? { code: r.code } : {}));
  } else p.resolve(r);
};
worker.onerror = (e: ErrorEvent): void => showFatal(`The worker failed: ${e.message || 'could not start'}`);

function showFatal(message: string): void {
  setStatus('error', message);
  el.backend.textContent = message;
  el.backend.dataset['state'] = 'error';
}

type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;
function call<T extends Reply['type']>(body: RequestBody, onProgress?: (r: Extract<Reply, { type: 'progress' }>) => void): { id: number; done: Promise<Extract<Reply, { type: T }>> } {
  const id = nextId++;
  const done = new Promise<Extract<Reply, { type: T }>>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (r: Reply) => void, reject, ...(onProgress ? { onProgress } : {}) });
  });
  worker.postMessage({ ...body, id } as Request);
  return { id, done };
}

// ---------------------------------------------------------------------------------------------------------------
// State

const params = new URLSearchParams(location.search);
const state = {
  backend: null as BackendReport | null,
  gallery: null as { images: Uint8Array; labels: Int32Array; count: number } | null,
  /** The methods the worker read from the registry (see methodViews). */
  methods: [] as MethodView[],
  model: (MODELS.some((m) => m.id === params.get('model')) ? params.get('model') : 'digits-cnn') as ModelId,
  info: null as ModelInfo | null,
  inputKind: 'gallery' as InputKind,
  galleryIndex: 0,
  seed: 1,
  method: params.get('method') ?? 'saliency',
  options: {} as OptionValues,
  region: { ...FULL_REGION } as Region,
  output: null as OutputData | null,
  result: null as ExplainData | null,
  /** The explain/latent run in progress. */
  run: null as { id: number; kind: 'explain' | 'latent' | 'report' } | null,
  /** Bumped whenever the input or model changes, so that stale outputs are dropped. */
  version: 0,
};
const pad = new DrawPad(el.pad, () => {
  if (state.inputKind === 'draw') void inputChanged();
});

let finished = 0;
/** Marks a finished run: tests wait for `data-run` to grow. */
function markFinished(): void {
  el.status.dataset['run'] = String(++finished);
}

// Content-Security-Policy violations are logged as errors (the end-to-end test fails on any).
document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`));

function setStatus(s: 'starting' | 'idle' | 'running' | 'done' | 'cancelled' | 'error', text: string): void {
  el.status.dataset['state'] = s;
  el.status.textContent = text;
}

// ---------------------------------------------------------------------------------------------------------------
// Start

async function start(): Promise<void> {
  for (const m of MODELS) el.model.append(new Option(m.label, m.id, m.id === state.model, m.id === state.model));
  const ready = new Promise<Extract<Reply, { type: 'ready' }>>((resolve) => {
    onReady = resolve;
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
  onReady = null;
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

// ---------------------------------------------------------------------------------------------------------------
// Model, input, method

function capabilities(): ModelCapabilities & { defaultCamLayer?: string } {
  const i = state.info!;
  return { kind: i.kind, camLayers: i.camLayers, layered: i.layered, ...(i.defaultCamLayer !== undefined ? { defaultCamLayer: i.defaultCamLayer } : {}) };
}

async function modelChanged(): Promise<void> {
  cancelRun();
  state.version++;
  const id = state.model;
  state.info = null;
  el.explain.disabled = true;
  setStatus('running', `Loading ${modelEntry(id).label}…`);
  el.progress.removeAttribute('value');
  let info: ModelInfo;
  try {
    info = (await call<'loaded'>({ type: 'load', model: id }).done).info;
  } catch (e) {
    setStatus('error', `Could not load ${id}: ${(e as Error).message}`);
    return;
  }
  if (id !== state.model) return;
  state.info = info;
  el.explain.disabled = false;
  el.progress.value = 0;
  const entry = modelEntry(id);
  el.modelNote.hidden = info.note === undefined;
  el.modelNote.textContent = info.note ?? '';
  el.modelInfo.textContent = `${info.params.toLocaleString('en')} parameters${info.latentDim !== undefined ? ` · latent code of ${info.latentDim}` : ''}${info.pretrained ? ' · pretrained' : ' · untrained'}`;
  el.modelInfo.dataset['pretrained'] = String(info.pretrained);
  // Inputs
  for (const b of el.inputKinds.querySelectorAll<HTMLButtonElement>('button')) b.hidden = !entry.inputs.includes(b.dataset['kind'] as InputKind);
  if (!entry.inputs.includes(state.inputKind)) state.inputKind = entry.inputs[0]!;
  showInputKind();
  // Methods
  const caps = capabilities();
  el.method.replaceChildren();
  for (const family of ['gradient', 'perturbation'] as const) {
    const group = document.createElement('optgroup');
    group.label = `@glassbox/explainers-${family}`;
    for (const m of state.methods.filter((x) => x.family === family && applies(x, caps))) group.append(new Option(m.label, m.id));
    el.method.append(group);
  }
  const available = state.methods.filter((m) => applies(m, caps)).map((m) => m.id);
  if (!available.includes(state.method)) state.method = 'saliency';
  el.method.value = state.method;
  methodChanged(false);
  // A conditional GAN generates the digit asked for.
  const conditional = info.kind === 'gan' && (info.classes ?? 0) > 0;
  el.ganClassRow.hidden = !conditional;
  if (conditional) el.ganClass.replaceChildren(...Array.from({ length: info.classes! }, (_, k) => new Option(String(k), String(k))));
  // Target (classifier)
  el.targetRow.hidden = info.kind !== 'classifier';
  el.sanityRow.hidden = info.kind !== 'classifier';
  if (info.kind === 'classifier') {
    el.target.replaceChildren(new Option('predicted class', ''), ...Array.from({ length: info.classes ?? 10 }, (_, k) => new Option(String(k), String(k))));
  }
  state.region = { ...FULL_REGION };
  el.explainsTitle.textContent = `Explanation of ${entry.explains}`;
  el.regionHint.hidden = info.kind === 'classifier';
  el.outputWrap.classList.toggle('selectable', info.kind !== 'classifier');
  el.metricsPanel.hidden = true;
  el.latentPanel.hidden = true;
  clearResult();
  await inputChanged();
}

function showInputKind(): void {
  for (const b of el.inputKinds.querySelectorAll<HTMLButtonElement>('button')) b.setAttribute('aria-selected', String(b.dataset['kind'] === state.inputKind));
  $('input-gallery').hidden = state.inputKind !== 'gallery';
  $('input-draw').hidden = state.inputKind !== 'draw';
  $('input-latent').hidden = state.inputKind !== 'latent';
}

function inputSpec(): InputSpec {
  if (state.inputKind === 'latent') {
    const conditional = state.info?.kind === 'gan' && (state.info.classes ?? 0) > 0;
    return { kind: 'latent', seed: state.seed, ...(conditional ? { label: Number(el.ganClass.value) } : {}) };
  }
  if (state.inputKind === 'draw') return { kind: 'draw', pixels: pad.pixels() };
  const g = state.gallery!;
  const px = g.images.subarray(state.galleryIndex * PIXELS, (state.galleryIndex + 1) * PIXELS);
  return { kind: 'gallery', pixels: Float32Array.from(px, (v) => v / 255) };
}

async function inputChanged(): Promise<void> {
  if (state.info === null) return;
  const version = ++state.version;
  cancelRun();
  let output: OutputData;
  try {
    output = (await call<'predicted'>({ type: 'predict', model: state.model, input: inputSpec() }).done).output;
  } catch (e) {
    setStatus('error', (e as Error).message);
    return;
  }
  if (version !== state.version) return;
  state.output = output;
  clearResult();
  showOutput();
  scheduleExplain();
}

function showOutput(): void {
  const o = state.output;
  const info = state.info;
  if (o === null || info === null) return;
  if (state.inputKind === 'latent' && o.latent !== undefined) drawCode(el.input, o.latent);
  else drawGray(el.input, o.image);
  el.inputCaption.textContent =
    state.inputKind === 'latent'
      ? `latent code (${o.latent?.length ?? 0} values, seed ${state.seed})`
      : state.inputKind === 'draw'
        ? 'your drawing'
        : `test digit (label ${state.gallery!.labels[state.galleryIndex]})`;
  el.probs.hidden = o.probs === undefined;
  el.outputWrap.hidden = o.output === undefined;
  el.cycleFigure.hidden = o.cycle === undefined;
  if (o.probs !== undefined) {
    const target = el.target.value === '' ? o.predicted! : Number(el.target.value);
    el.probs.replaceChildren(
      ...Array.from(o.probs, (p, k) => {
        const row = document.createElement('div');
        row.className = `bar${k === o.predicted ? ' top' : ''}${k === target ? ' target' : ''}`;
        const label = document.createElement('span');
        label.textContent = String(k);
        const track = document.createElement('div');
        const fill = document.createElement('div');
        fill.className = 'fill';
        fill.style.width = `${Math.max(1, p * 100).toFixed(1)}%`;
        track.append(fill);
        const value = document.createElement('span');
        value.textContent = `${(p * 100).toFixed(1)}%`;
        row.append(label, track, value);
        return row;
      }),
    );
    el.outputCaption.textContent = `class probabilities: ${o.predicted} (${(o.probs[o.predicted!]! * 100).toFixed(1)}%)`;
  }
  if (o.output !== undefined) {
    drawGray(el.output, o.output);
    drawRegion(el.output, state.region);
    const d = o.discriminator !== undefined ? ` · ${info.kind === 'gan' ? 'D logit' : 'D_B'} ${o.discriminator.toFixed(2)}` : '';
    el.outputCaption.textContent = `${o.outputLabel ?? 'output'}${d}`;
  }
  if (o.cycle !== undefined) drawGray(el.cycle, o.cycle);
}

function methodChanged(run = true): void {
  const m = methodView(state.methods, state.method);
  el.methodNote.textContent = m.note;
  state.options = defaultOptions(m, capabilities());
  // A few query parameters help tests and links: ?steps=8&samples=64 override the defaults.
  for (const o of m.options) {
    const q = params.get(o.key);
    if (q !== null && o.type === 'number' && Number.isFinite(Number(q))) state.options[o.key] = Number(q);
  }
  buildOptions(m);
  if (run) scheduleExplain();
}

function buildOptions(m: MethodView): void {
  el.options.replaceChildren();
  for (const o of m.options) {
    if (o.when !== undefined && state.options[o.when.key] !== o.when.value) continue;
    const label = document.createElement('label');
    label.textContent = o.label;
    const id = `opt-${o.key}`;
    label.htmlFor = id;
    let input: HTMLInputElement | HTMLSelectElement;
    if (o.type === 'number') {
      const i = document.createElement('input');
      i.type = 'number';
      i.min = String(o.min);
      i.max = String(o.max);
      i.step = String(o.step ?? (o.integer ? 1 : 'any'));
      i.value = String(state.options[o.key]);
      i.addEventListener('change', () => {
        let v = Number(i.value);
        if (!Number.isFinite(v)) v = o.default;
        v = Math.min(o.max, Math.max(o.min, o.integer ? Math.round(v) : v));
        i.value = String(v);
        state.options[o.key] = v;
        scheduleExplain();
      });
      input = i;
    } else if (o.type === 'boolean') {
      const i = document.createElement('input');
      i.type = 'checkbox';
      i.checked = state.options[o.key] === true;
      i.addEventListener('change', () => {
        state.options[o.key] = i.checked;
        scheduleExplain();
      });
      input = i;
    } else {
      const s = document.createElement('select');
      const choices = o.type === 'select' ? o.choices : state.info!.camLayers;
      for (const c of choices) s.append(new Option(c, c));
      s.value = String(state.options[o.key]);
      s.addEventListener('change', () => {
        state.options[o.key] = s.value;
        if (m.options.some((x) => x.when?.key === o.key)) buildOptions(m);
        scheduleExplain();
      });
      input = s;
    }
    input.id = id;
    input.dataset['option'] = o.key;
    el.options.append(label, input);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Running explanations

let timer: ReturnType<typeof setTimeout> | undefined;
/** The run the Cancel button stopped (its abort is reported; runs replaced by newer ones are not). */
let cancelledByUser = 0;
function scheduleExplain(): void {
  clearTimeout(timer);
  timer = setTimeout(() => void runExplain(), 200);
}

function cancelRun(): void {
  clearTimeout(timer);
  if (state.run !== null) {
    worker.postMessage({ type: 'cancel', id: state.run.id } satisfies Request);
    state.run = null;
  }
  el.cancel.disabled = true;
}

function progressHandler(label: string): (r: Extract<Reply, { type: 'progress' }>) => void {
  return (r) => {
    const part = r.total > 0 ? r.done / r.total : 0;
    el.progress.value = (r.step + part) / r.steps;
    el.status.textContent = `${label}: ${r.stage} ${r.done}/${r.total} (stage ${r.step + 1} of ${r.steps})`;
  };
}

async function runExplain(): Promise<void> {
  if (state.info === null || state.output === null) return;
  cancelRun();
  const version = state.version;
  const m = methodView(state.methods, state.method);
  const target = state.info.kind === 'classifier' && el.target.value !== '' ? Number(el.target.value) : null;
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
      metrics: { sensitivity: el.flagSensitivity.checked, sanity: el.flagSanity.checked && state.info.kind === 'classifier' },
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

async function runLatent(): Promise<void> {
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

async function runReport(): Promise<void> {
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

// ---------------------------------------------------------------------------------------------------------------
// Results

function clearResult(): void {
  state.result = null;
  for (const c of [el.heatmap, el.overlay, el.colorbar]) clear(c);
  el.extra.textContent = '';
  el.heatmapCaption.textContent = 'attribution';
}

function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(3);
}

function showResult(): void {
  const r = state.result;
  const o = state.output;
  if (r === null || o === null) return;
  const m = methodView(state.methods, r.method);
  drawAttribution({ heatmap: el.heatmap, overlay: el.overlay, colorbar: el.colorbar }, r.attributions, o.image, el.heatMode.value as NormalizeMode, r.segments);
  el.heatmap.dataset['method'] = r.method;
  el.heatmapCaption.textContent = `${m.label}${r.target !== undefined ? ` · class ${r.target}` : ''}`;
  const bits: string[] = [];
  if (r.score !== undefined) bits.push(`score F(x) = ${fmt(r.score)}`);
  if (r.delta !== undefined) bits.push(`convergence delta ${fmt(r.delta)}`);
  for (const [k, v] of Object.entries(r.extra)) bits.push(`${k}: ${typeof v === 'number' ? fmt(v) : v}`);
  el.extra.textContent = bits.join(' · ');
  if (r.metrics) {
    el.metricsPanel.hidden = false;
    setSvg(el.curves, curvesChart(r.metrics.deletion, r.metrics.insertion));
    const del = r.metrics.deletion;
    const ins = r.metrics.insertion;
    // The AUCs are areas under the normalised curves of the chart; their meaning depends on which end is higher.
    const rises = del.inputScore < del.baselineScore;
    const rows: [string, string, string][] = [
      ['deletion AUC', fmt(del.auc) + (del.randomAuc !== undefined ? ` (random ${fmt(del.randomAuc)})` : ''), `lower is better · ${rises ? 'curve runs −1 → 0 as F(x) < F(b)' : '1 = no drop, 0 = whole drop at once'}`],
      ['insertion AUC', fmt(ins.auc) + (ins.randomAuc !== undefined ? ` (random ${fmt(ins.randomAuc)})` : ''), `higher is better · ${rises ? 'curve runs 0 → −1 as F(x) < F(b)' : '0 = no recovery, 1 = all at once'}`],
      ['curve ends', `F(x) ${fmt(del.inputScore)} · F(b) ${fmt(del.baselineScore)}`, `b: every pixel at the baseline (0); curves and AUCs in units of ${CURVE_AXIS}`],
      ['infidelity', fmt(r.metrics.infidelity), `lower is better${m.gradientLike ? ' (as a gradient)' : ''}`],
      ['sparseness (Gini)', fmt(r.metrics.sparseness), 'higher = more concentrated'],
      ['completeness gap', fmt(r.metrics.completeness), '|Σ a − (F(x) − F(0))|, 0 for IG / SHAP'],
    ];
    if (r.metrics.sensitivity !== undefined) rows.push(['max-sensitivity', fmt(r.metrics.sensitivity), 'lower is better']);
    for (const s of r.metrics.sanity ?? []) rows.push([`sanity: up to ${s.layer}`, `ρ ${fmt(s.spearman)} · SSIM ${fmt(s.ssim)}`, 'should drop']);
    const head = document.createElement('tr');
    for (const h of ['metric', 'value', '']) {
      const th = document.createElement('th');
      th.textContent = h;
      head.append(th);
    }
    el.metrics.replaceChildren(
      head,
      ...rows.map(([a, b, c]) => {
        const tr = document.createElement('tr');
        const cells = [a, b, c].map((t, i) => {
          const td = document.createElement('td');
          td.textContent = t;
          if (i === 1) td.className = 'num';
          if (i === 2) td.className = 'muted';
          return td;
        });
        tr.append(...cells);
        return tr;
      }),
    );
  }
  if (r.latent) showLatent(r.latent);
}

function showLatent(l: LatentData): void {
  el.latentPanel.hidden = false;
  setSvg(el.latentBars, latentChart(l.attributions, state.info?.latentDim));
  drawTraversal(el.traversal, l.traversal, l.dims, l.values);
  drawJacobian(el.jacobian, l.jacobian, l.dims);
}

// ---------------------------------------------------------------------------------------------------------------
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
  cancelledByUser = run.id;
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
  if (state.info === null || state.info.kind === 'classifier' || state.output?.output === undefined) return;
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
  // Only the latent panel depends on the region for a GAN (its image explainers explain the discriminator).
  if (state.info?.kind === 'gan') void runLatent();
  else scheduleExplain();
});

void start().catch((e: unknown) => showFatal((e as Error).message));
