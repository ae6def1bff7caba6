// The "Your model" panel: the user picks a model (model.json + weight files, or an .onnx), a photo and optionally
// a labels file; its own worker (worker.ts) loads and explains them in the browser and sends back the numbers,
// which are drawn here over the photo. The panel's worker is separate from the digits demo's, so a large user
// model never slows the demo down.
import { fromPixels, heatmap, overlay } from '@glassbox/viz';
import type { ByomReply, ByomRequest, ByomResult } from './protocol.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** Starts the panel (call once; the worker starts on the first model). */
export function startByom(backend: 'wasm' | 'cpu'): void {
  const modelInput = $<HTMLInputElement>('byom-model');
  const imageInput = $<HTMLInputElement>('byom-image');
  const labelsInput = $<HTMLInputElement>('byom-labels');
  const method = $<HTMLSelectElement>('byom-method');
  const run = $<HTMLButtonElement>('byom-run');
  const status = $<HTMLParagraphElement>('byom-status');
  const prediction = $<HTMLParagraphElement>('byom-prediction');
  const canvas = $<HTMLCanvasElement>('byom-canvas');
  let worker: Worker | null = null;
  let next = 1;
  const waiting = new Map<number, { resolve: (r: ByomReply) => void }>();
  let ready: Promise<void> | null = null;

  const setStatus = (state: string, text: string) => {
    status.dataset['state'] = state;
    status.textContent = text;
  };
  const ask = (req: ByomRequest & { id: number }): Promise<ByomReply> =>
    new Promise((resolve) => {
      waiting.set(req.id, { resolve });
      worker!.postMessage(req);
    });
  const start = (): Promise<void> => {
    if (ready !== null) return ready;
    worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'glassbox-your-model' });
    ready = new Promise((resolve) => {
      worker!.onmessage = (e: MessageEvent<ByomReply>) => {
        const r = e.data;
        if (r.type === 'ready') return resolve();
        waiting.get(r.id)?.resolve(r);
        waiting.delete(r.id);
      };
    });
    worker.postMessage({ type: 'init', backend } satisfies ByomRequest);
    return ready;
  };

  const load = async () => {
    const files = [...(modelInput.files ?? [])];
    if (files.length === 0) return;
    method.disabled = true;
    run.disabled = true;
    setStatus('loading', `Loading ${files.map((f) => f.name).join(', ')}…`);
    await start();
    const r = await ask({
      type: 'load',
      id: next++,
      files,
      layout: $<HTMLSelectElement>('byom-layout').value as 'NCHW' | 'NHWC',
      logits: $<HTMLInputElement>('byom-logits').checked,
    });
    if (r.type === 'error') return setStatus('error', r.message);
    if (r.type !== 'loaded') return;
    const info = r.info;
    method.replaceChildren(...info.methods.map((m) => new Option(`${m.label}${m.family === 'gradient' ? '' : ' (calls the model only)'}`, m.name)));
    method.disabled = false;
    run.disabled = false;
    const shape = `[${info.inputShape.map((d) => d ?? '?').join(', ')}]`;
    setStatus('loaded', `Loaded a ${info.format} model: input ${shape}, ${info.outputs ?? '?'} outputs; ${info.methods.length} methods apply${info.format === 'onnx' ? ' (no gradients through ONNX: the methods that only call the model)' : ''}.`);
  };

  const draw = (r: ByomResult) => {
    const { width, height, data } = r.original;
    const photo = fromPixels(data, [height, width, 3], { maxValue: 255 });
    const heat = heatmap(r.onPhoto, [height, width], { mode: r.signed ? 'signed' : 'abs', opacity: 'magnitude' });
    const img = overlay(photo, heat, { alpha: 0.8 });
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(img.data), width, height), 0, 0);
  };

  const explain = async () => {
    const image = imageInput.files?.[0];
    if (image === undefined) return setStatus('error', 'Pick an image (PNG or JPEG) first.');
    const labelsFile = labelsInput.files?.[0];
    run.disabled = true;
    setStatus('running', `Explaining with ${method.value}…`);
    const r = await ask({
      type: 'explain',
      id: next++,
      image,
      labels: labelsFile !== undefined ? await labelsFile.text() : null,
      preprocess: $<HTMLSelectElement>('byom-preprocess').value,
      crop: $<HTMLSelectElement>('byom-crop').value as 'none' | 'center',
      method: method.value,
      target: null,
    });
    run.disabled = false;
    if (r.type === 'error') return setStatus('error', r.message);
    if (r.type !== 'explained') return;
    const res = r.result;
    const name = (k: number) => (res.labels !== null ? `${res.labels[k]} (class ${k})` : `class ${k}`);
    prediction.textContent = `Predicted: ${name(res.predicted)}, score ${res.scores[res.predicted]!.toPrecision(4)}. ${res.method} explains ${name(res.target)}.`;
    prediction.dataset['predicted'] = String(res.predicted);
    prediction.dataset['scores'] = JSON.stringify(res.scores);
    prediction.dataset['attributions'] = JSON.stringify(res.attributions);
    prediction.dataset['method'] = res.method;
    draw(res);
    setStatus('explained', `${res.method}: ${res.ms.toFixed(0)} ms on a ${res.size[0]}×${res.size[1]} input, drawn on the ${res.original.width}×${res.original.height} photo.`);
  };

  modelInput.addEventListener('change', () => void load());
  run.addEventListener('click', () => void explain());
}
