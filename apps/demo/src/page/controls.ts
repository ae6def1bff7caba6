// The model, input and method controls: what changes when one of them does.
import { FULL_REGION } from '../protocol.js';
import { drawCode, drawGray, drawRegion } from '../draw.js';
import { applies, defaultOptions, methodView, modelEntry } from '../methods.js';
import type { InputKind, MethodView, ModelCapabilities } from '../methods.js';
import type { ModelInfo, OutputData } from '../protocol.js';
import { $, el } from './elements.js';
import { call } from './client.js';
import { inputSpec, params, state } from './state.js';
import { setStatus } from './status.js';
import { cancelRun, scheduleExplain } from './runs.js';
import { clearResult } from './results.js';

export function capabilities(): ModelCapabilities & { defaultCamLayer?: string } {
  const i = state.info!;
  return { kind: i.kind, camLayers: i.camLayers, layered: i.layered, ...(i.defaultCamLayer !== undefined ? { defaultCamLayer: i.defaultCamLayer } : {}) };
}

export async function modelChanged(): Promise<void> {
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
  const conditional = info.conditional && (info.classes ?? 0) > 0;
  el.ganClassRow.hidden = !conditional;
  if (conditional) el.ganClass.replaceChildren(...Array.from({ length: info.classes! }, (_, k) => new Option(String(k), String(k))));
  // What the image explainers explain, when the model offers a choice (an autoencoder: the selected region of
  // the output, or its encoder's largest latent dimension).
  el.objectiveRow.hidden = info.objectives.length < 2;
  el.objective.replaceChildren(...info.objectives.map((o) => new Option(OBJECTIVE_WORDS[o] ?? o, o)));
  el.objective.value = info.objective;
  // Target (a class, when the model explains logits) and the sanity check (a network to randomize)
  const logits = info.objective === 'logits';
  el.targetRow.hidden = !logits;
  el.sanityRow.hidden = !info.randomizable;
  if (logits) {
    el.target.replaceChildren(new Option('predicted class', ''), ...Array.from({ length: info.classes ?? 10 }, (_, k) => new Option(String(k), String(k))));
  }
  state.region = { ...FULL_REGION };
  el.explainsTitle.textContent = `Explanation of ${explainsOf(entry.explains)}`;
  el.regionHint.hidden = !info.imageOutput;
  el.outputWrap.classList.toggle('selectable', info.imageOutput);
  el.metricsPanel.hidden = true;
  el.latentPanel.hidden = true;
  clearResult();
  await inputChanged();
}

export function showInputKind(): void {
  for (const b of el.inputKinds.querySelectorAll<HTMLButtonElement>('button')) b.setAttribute('aria-selected', String(b.dataset['kind'] === state.inputKind));
  $('input-gallery').hidden = state.inputKind !== 'gallery';
  $('input-draw').hidden = state.inputKind !== 'draw';
  $('input-latent').hidden = state.inputKind !== 'latent';
}

export async function inputChanged(): Promise<void> {
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

export function showOutput(): void {
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
    const d = o.discriminator !== undefined ? ` · ${o.discriminatorLabel ?? 'D'} ${o.discriminator.toFixed(2)}` : '';
    el.outputCaption.textContent = `${o.outputLabel ?? 'output'}${d}`;
  }
  if (o.cycle !== undefined) drawGray(el.cycle, o.cycle);
}

export function methodChanged(run = true): void {
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

export function buildOptions(m: MethodView): void {
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

/** How the page names each objective of the kind adapters (see ModelInfo.objectives). */
const OBJECTIVE_WORDS: Readonly<Record<string, string>> = {
  region: 'the selected region of the output',
  code: "the encoder's largest latent dimension",
  logits: 'a class logit',
  discriminator: "the discriminator's score",
};

/** What the explanation explains: the model's usual words, or the chosen objective's. */
export function explainsOf(usual: string): string {
  const info = state.info;
  if (info === null || el.objective.value === '' || el.objective.value === info.objective) return usual;
  return OBJECTIVE_WORDS[el.objective.value] ?? usual;
}
