// The Text tab: names-gpt (generate a name, click a generated character to see why it came) and spam-encoder
// (p(spam) of an e-mail, its highlighted word pieces and their deletion curve). The worker does the model work
// (src/worker/text.ts); this module sends requests and draws the arrays that come back with @glassbox/viz.
import { attentionMatrix, generationMatrix, lineChart, tokenHeatmap } from '@glassbox/viz';
import { setSvg as setSharedSvg } from '../draw.js';
import { TEXT_METHODS, isTextMethod } from '../text/protocol.js';
import type { GenerateData, GptExplainData, SpamExplainData, SpamSample, TextMethod } from '../text/protocol.js';
import samplesFile from '../text/spam-samples.json';
import type { Reply, Request } from '../protocol.js';
import { $ } from './elements.js';
import { backendReady, call, worker } from './client.js';

const t = {
  models: $('text-models'),
  modelInfo: $('text-model-info'),
  gptInput: $('gpt-input'),
  spamInput: $('spam-input'),
  prefix: $<HTMLInputElement>('gpt-prefix'),
  seed: $<HTMLInputElement>('gpt-seed'),
  temperature: $<HTMLInputElement>('gpt-temperature'),
  generate: $<HTMLButtonElement>('gpt-generate'),
  sample: $<HTMLSelectElement>('spam-sample'),
  text: $<HTMLTextAreaElement>('spam-text'),
  classify: $<HTMLButtonElement>('spam-classify'),
  target: $<HTMLSelectElement>('spam-target'),
  method: $<HTMLSelectElement>('text-method'),
  methodNote: $('text-method-note'),
  progress: $<HTMLProgressElement>('text-progress'),
  status: $('text-status'),
  gptPanel: $('gpt-panel'),
  gptText: $('gpt-text'),
  gptHeatTitle: $('gpt-heat-title'),
  gptHeatmap: $('gpt-heatmap'),
  gptMatrix: $('gpt-matrix'),
  layer: $<HTMLSelectElement>('gpt-layer'),
  head: $<HTMLSelectElement>('gpt-head'),
  attention: $('gpt-attention'),
  rollout: $('gpt-rollout'),
  spamPanel: $('spam-panel'),
  spamP: $('spam-p'),
  spamHeatTitle: $('spam-heat-title'),
  spamHeatmap: $('spam-heatmap'),
  spamDeletion: $('spam-deletion'),
};

/** The held-out e-mails shipped with the demo (scripts/make-spam-samples.mjs). */
const SAMPLES: SpamSample[] = (samplesFile as { emails: SpamSample[] }).emails;

const NOTES: Readonly<Record<TextMethod, string>> = {
  integratedGradients: 'Gradients along the path from the [PAD] embedding to each token embedding, summed over the embedding (Captum’s LayerIntegratedGradients at the embeddings).',
  saliency: '|∂ score / ∂ embedding| summed over the embedding dimensions (unsigned).',
  inputXGradient: 'Embedding × ∂ score / ∂ embedding, summed over the embedding dimensions (signed).',
  noiseTunnel: 'SmoothGrad: saliency averaged over 8 copies of the embeddings with Gaussian noise (σ = 0.1 in embedding units).',
  gradientShap: 'Expected gradients: input × gradient at 8 random points between the [PAD] embedding and the (noisy, σ = 0.1) embeddings.',
  occlusion: 'The score drop when one token at a time is replaced by [PAD].',
  featureAblation: 'The score change when each token on its own is replaced by [PAD].',
  shapleyValueSampling: 'Shapley values estimated from 8 random orders of adding the tokens (absent tokens become [PAD]).',
  exactShapley: 'Exact Shapley values over all 2^T coalitions of the tokens (absent tokens become [PAD]); at most 16 tokens, so not for most e-mails.',
  kernelShap: 'Shapley values of the tokens estimated from 256 random coalitions (absent tokens become [PAD]).',
  lime: 'A weighted linear surrogate over 256 random subsets of the tokens (absent tokens become [PAD]).',
  attentionRollout: 'Attention (heads averaged, residual mixed in) multiplied through the layers: where information can flow; it ignores the target.',
  gradientWeightedAttention: 'Attention weighted by its gradient (positive part, heads averaged), propagated through the layers.',
};

/**
 * Puts a @glassbox/viz SVG in a container with its ids (gradients, clip paths) made unique to the container.
 * viz names a colorbar's gradient by a hash of its stops, so equal colorbars share one id; when the first of them
 * sits in a hidden panel (display: none), the others would reference a gradient that does not render.
 */
function setSvg(container: HTMLElement, svg: string): void {
  setSharedSvg(container, svg);
  const prefix = container.id;
  const root = container.firstElementChild;
  if (root === null) return;
  const renamed = new Map<string, string>();
  for (const e of root.querySelectorAll('[id]')) {
    renamed.set(e.id, `${prefix}-${e.id}`);
    e.id = `${prefix}-${e.id}`;
  }
  if (renamed.size === 0) return;
  for (const e of root.querySelectorAll('*')) {
    for (const a of Array.from(e.attributes)) {
      const m = /^url\(#(.+)\)$/.exec(a.value);
      if (m !== null && renamed.has(m[1]!)) e.setAttribute(a.name, `url(#${renamed.get(m[1]!)})`);
    }
  }
}

type TextModel = 'gpt' | 'spam';
const state = {
  model: 'gpt' as TextModel,
  method: 'integratedGradients' as TextMethod,
  generation: null as GenerateData | null,
  gpt: null as GptExplainData | null,
  /** The generated position whose attribution is shown. */
  selected: -1,
  spam: null as SpamExplainData | null,
  run: null as number | null,
  finished: 0,
  started: false,
};

type Status = 'idle' | 'running' | 'done' | 'error' | 'cancelled';
function setStatus(s: Status, text: string, kind?: string): void {
  t.status.dataset['state'] = s;
  t.status.textContent = text;
  if (kind !== undefined) t.status.dataset['kind'] = kind;
  t.status.dataset['model'] = state.model;
  t.status.dataset['method'] = state.method;
}
function finished(): void {
  t.status.dataset['run'] = String(++state.finished);
}

function cancel(): void {
  if (state.run !== null) worker.postMessage({ type: 'cancel', id: state.run } satisfies Request);
  state.run = null;
}

function onProgress(label: string): (r: Extract<Reply, { type: 'progress' }>) => void {
  return (r) => {
    t.progress.value = (r.step + (r.total > 0 ? r.done / r.total : 0)) / r.steps;
    t.status.textContent = `${label}: ${r.stage} ${r.done}/${r.total}`;
  };
}

/** Runs one request; errors (bad text, unknown characters, ...) are shown in the status line. */
async function run<T extends 'gpt-generated' | 'gpt-explained' | 'spam-explained'>(
  kind: string,
  label: string,
  body: Parameters<typeof call>[0],
): Promise<Extract<Reply, { type: T }> | null> {
  cancel();
  setStatus('running', `${label}…`, kind);
  t.progress.value = 0;
  const { id, done } = call<T>(body, onProgress(label));
  state.run = id;
  try {
    const r = await done;
    if (state.run !== id) return null;
    t.progress.value = 1;
    return r;
  } catch (e) {
    const err = e as Error & { code?: string };
    if (state.run === id && err.code !== 'ABORTED') {
      setStatus('error', `${label} failed: ${err.message}`, kind);
      finished();
    }
    return null;
  } finally {
    if (state.run === id) state.run = null;
  }
}

// names-gpt

async function generate(): Promise<void> {
  const seed = Math.max(0, Math.floor(Number(t.seed.value) || 0));
  const temperature = Number(t.temperature.value) > 0 ? Number(t.temperature.value) : 1;
  state.generation = null;
  state.gpt = null;
  clearGpt();
  const r = await run<'gpt-generated'>('generate', 'Generating', { type: 'gpt-generate', prompt: t.prefix.value, seed, temperature });
  if (r === null) return;
  state.generation = r.generation;
  state.selected = r.generation.promptLength;
  drawGeneratedText();
  setStatus('done', `Generated “${r.generation.text}”.`, 'generate');
  finished();
  await explainGpt();
}

async function explainGpt(): Promise<void> {
  const g = state.generation;
  if (g === null) return;
  const method = state.method;
  const r = await run<'gpt-explained'>('explain', `Explaining “${g.text}” with ${labelOf(method)}`, { type: 'gpt-explain', ids: g.ids, promptLength: g.promptLength, method });
  if (r === null || state.generation !== g) return;
  state.gpt = r.result;
  fillAttentionControls(r.result);
  drawGpt();
  setStatus('done', `${labelOf(method)}: ${r.result.shape[0]} generated characters explained in ${(r.result.ms / 1000).toFixed(2)} s.`, 'explain');
  finished();
}

function clearGpt(): void {
  for (const c of [t.gptText, t.gptHeatmap, t.gptMatrix, t.attention, t.rollout]) c.replaceChildren();
  t.gptHeatTitle.textContent = 'Attribution';
}

function drawGeneratedText(): void {
  const g = state.generation;
  if (g === null) return;
  t.gptText.replaceChildren(
    ...g.tokens.map((label, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.dataset['position'] = String(i);
      if (i < g.promptLength) {
        b.className = 'prompt';
        b.disabled = true;
        b.title = i === 0 ? 'start of the text' : 'prompt';
      } else {
        b.className = 'generated';
        b.title = 'click: why this character?';
        b.setAttribute('aria-pressed', String(i === state.selected));
      }
      return b;
    }),
  );
}

function drawGpt(): void {
  const g = state.generation;
  const r = state.gpt;
  drawGeneratedText();
  if (g === null || r === null) return;
  const [rows, cols] = r.shape;
  const row = state.selected - g.promptLength;
  if (row >= 0 && row < rows) {
    const p = r.positions[row]!;
    const scores = r.matrix.slice(row * cols, row * cols + p);
    const tokens = g.tokens.slice(0, p);
    t.gptHeatTitle.textContent = `Why “${g.tokens[p]}” at position ${p} (p = ${r.probabilities[row]!.toFixed(3)}, entropy ${r.entropies[row]!.toFixed(2)} nats): ${labelOf(r.method)} over the ${p} tokens before it`;
    setSvg(t.gptHeatmap, tokenHeatmap(tokens, scores, { width: 560, fontSize: 18, title: `${labelOf(r.method)} → “${g.tokens[p]}”` }).svg);
    t.gptHeatmap.dataset['position'] = String(p);
    t.gptHeatmap.dataset['tokens'] = String(p);
  }
  const generated = r.positions.map((p) => g.tokens[p]!);
  setSvg(
    t.gptMatrix,
    generationMatrix(r.matrix, r.shape, {
      rowLabels: generated,
      colLabels: g.tokens.slice(0, cols),
      positions: r.positions,
      probabilities: r.probabilities,
      entropies: r.entropies,
      title: `${labelOf(r.method)}, every generated character`,
    }).svg,
  );
  drawAttention();
}

function fillAttentionControls(r: GptExplainData): void {
  const layer = t.layer.value;
  const head = t.head.value;
  t.layer.replaceChildren(...Array.from({ length: r.layers }, (_, l) => new Option(`${l + 1} of ${r.layers}`, String(l))));
  t.head.replaceChildren(new Option('mean of the heads', 'mean'), ...Array.from({ length: r.heads }, (_, h) => new Option(`${h + 1} of ${r.heads}`, String(h))));
  if (layer !== '' && Number(layer) < r.layers) t.layer.value = layer;
  if (head !== '' && (head === 'mean' || Number(head) < r.heads)) t.head.value = head;
}

function drawAttention(): void {
  const g = state.generation;
  const r = state.gpt;
  if (g === null || r === null) return;
  const T = g.ids.length;
  const l = Number(t.layer.value || 0);
  const headValue = t.head.value || 'mean';
  const values = new Float32Array(T * T);
  const heads = headValue === 'mean' ? Array.from({ length: r.heads }, (_, h) => h) : [Number(headValue)];
  for (const h of heads) {
    const offset = (l * r.heads + h) * T * T;
    for (let i = 0; i < T * T; i++) values[i] = values[i]! + r.attention[offset + i]! / heads.length;
  }
  const labels = g.tokens;
  const which = headValue === 'mean' ? 'mean of the heads' : `head ${Number(headValue) + 1}`;
  setSvg(t.attention, attentionMatrix(values, [T, T], { rowLabels: labels, colLabels: labels, causal: true, title: `Attention, layer ${l + 1}, ${which}` }).svg);
  setSvg(t.rollout, attentionMatrix(r.rollout, [T, T], { rowLabels: labels, colLabels: labels, causal: true, title: 'Attention rollout (all layers)' }).svg);
}

// spam-encoder

async function explainSpam(): Promise<void> {
  const text = t.text.value;
  const method = state.method;
  const target = t.target.value === '0' ? 0 : 1;
  const r = await run<'spam-explained'>('spam', `Classifying and explaining with ${labelOf(method)}`, { type: 'spam-explain', text, method, target });
  if (r === null) return;
  state.spam = r.result;
  drawSpam();
  setStatus('done', `p(spam) ${r.result.pSpam.toFixed(4)} · ${labelOf(method)} in ${(r.result.ms / 1000).toFixed(2)} s.`, 'spam');
  finished();
}

function drawSpam(): void {
  const r = state.spam;
  if (r === null) return;
  const label = r.target === 1 ? 'spam' : 'ham';
  t.spamP.textContent = `p(spam) = ${r.pSpam.toFixed(4)} · ${r.pSpam >= 0.5 ? 'spam' : 'ham'} (logits: ham ${r.logits[0]!.toFixed(3)}, spam ${r.logits[1]!.toFixed(3)})`;
  t.spamP.dataset['value'] = String(r.pSpam);
  t.spamHeatTitle.textContent = `${labelOf(r.method)} of the ${label} logit over the ${r.tokens.length} word pieces read (red: towards ${label})`;
  setSvg(t.spamHeatmap, tokenHeatmap(r.tokens, r.scores, { width: 760, title: `${labelOf(r.method)} → ${label}` }).svg);
  t.spamHeatmap.dataset['tokens'] = String(r.tokens.length);
  const d = r.deletion;
  setSvg(
    t.spamDeletion,
    lineChart(
      [
        { name: `${labelOf(r.method)} order (mean ${d.auc.toFixed(3)})`, x: d.fractions, y: d.curve, color: '#d62728' },
        { name: `random order (mean ${d.randomAuc.toFixed(3)})`, x: d.fractions, y: d.random, color: '#9aa9c5' },
      ],
      { title: `Deletion curve of p(${label})`, xLabel: 'fraction of word pieces replaced by [PAD]', yLabel: `p(${label})`, yDomain: [0, 1], width: 480, height: 260 },
    ),
  );
}

// Controls

function labelOf(m: string): string {
  return TEXT_METHODS.find((x) => x.id === m)?.label.replace(/ \(.*\)$/, '') ?? m;
}

function showModel(): void {
  for (const b of t.models.querySelectorAll<HTMLButtonElement>('button')) b.setAttribute('aria-selected', String(b.dataset['textModel'] === state.model));
  const gpt = state.model === 'gpt';
  t.gptInput.hidden = !gpt;
  t.gptPanel.hidden = !gpt;
  t.spamInput.hidden = gpt;
  t.spamPanel.hidden = gpt;
  t.modelInfo.textContent = gpt
    ? 'A character-level GPT trained on first names (@glassbox/models-transformer, loadPretrained(\'names-gpt\')).'
    : 'An encoder Transformer trained on the SpamAssassin e-mail (loadPretrained(\'spam-encoder\')); it reads the first 128 word pieces.';
  setStatus('idle', gpt ? 'Type a prefix and press Generate.' : 'Pick a held-out e-mail or paste one.');
}

/** Sets up the tab once (the first time it is shown). */
export async function startText(): Promise<void> {
  if (state.started) return;
  state.started = true;
  t.method.replaceChildren(...TEXT_METHODS.map((m) => new Option(m.label, m.id)));
  const asked = new URLSearchParams(location.search).get('text-method');
  if (isTextMethod(asked)) state.method = asked;
  t.method.value = state.method;
  t.methodNote.textContent = NOTES[state.method];
  t.sample.replaceChildren(
    new Option('— pick one —', ''),
    ...SAMPLES.map((s, i) => new Option(`${s.label === 1 ? 'spam' : 'ham'} · ${firstLine(s.text)}`, String(i))),
  );
  t.models.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest('button');
    if (b === null) return;
    const m = b.dataset['textModel'] as TextModel;
    if (m === state.model) return;
    cancel();
    state.model = m;
    showModel();
  });
  t.method.addEventListener('change', () => {
    state.method = t.method.value as TextMethod;
    t.methodNote.textContent = NOTES[state.method];
    if (state.model === 'gpt') void explainGpt();
    else if (state.spam !== null) void explainSpam();
  });
  t.generate.addEventListener('click', () => void generate());
  t.prefix.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') void generate();
  });
  t.gptText.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest('button');
    if (b === null || b.disabled) return;
    state.selected = Number(b.dataset['position']);
    drawGpt();
  });
  t.layer.addEventListener('change', drawAttention);
  t.head.addEventListener('change', drawAttention);
  t.sample.addEventListener('change', () => {
    const s = SAMPLES[Number(t.sample.value)];
    if (t.sample.value === '' || s === undefined) return;
    t.text.value = s.text;
    void explainSpam();
  });
  // An edited text is no longer the picked e-mail.
  t.text.addEventListener('input', () => {
    t.sample.value = '';
  });
  t.classify.addEventListener('click', () => void explainSpam());
  t.target.addEventListener('change', () => {
    if (state.spam !== null) void explainSpam();
  });
  showModel();
  setStatus('idle', 'Waiting for the backend…');
  await backendReady;
  t.generate.disabled = false;
  t.classify.disabled = false;
  showModel();
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}
