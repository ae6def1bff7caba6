// What the page shows now: the model, the input, the method and its options, the run in progress.
import { MODELS } from '../methods.js';
import type { InputKind, MethodView, ModelId, OptionValues } from '../methods.js';
import { FULL_REGION, PIXELS } from '../protocol.js';
import type { BackendReport, ExplainData, InputSpec, ModelInfo, OutputData, Region } from '../protocol.js';
import { DrawPad } from '../pad.js';
import { el } from './elements.js';

/** Set by the page's entry: what a new drawing on the pad starts (controls' inputChanged). */
export const hooks: { inputChanged: () => Promise<void> } = { inputChanged: async () => undefined };

export const params = new URLSearchParams(location.search);
export const state = {
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
export const pad = new DrawPad(el.pad, () => {
  if (state.inputKind === 'draw') void hooks.inputChanged();
});

export function inputSpec(): InputSpec {
  if (state.inputKind === 'latent') {
    const conditional = state.info !== null && state.info.conditional && (state.info.classes ?? 0) > 0;
    return { kind: 'latent', seed: state.seed, ...(conditional ? { label: Number(el.ganClass.value) } : {}) };
  }
  if (state.inputKind === 'draw') return { kind: 'draw', pixels: pad.pixels() };
  const g = state.gallery!;
  const px = g.images.subarray(state.galleryIndex * PIXELS, (state.galleryIndex + 1) * PIXELS);
  return { kind: 'gallery', pixels: Float32Array.from(px, (v) => v / 255) };
}
