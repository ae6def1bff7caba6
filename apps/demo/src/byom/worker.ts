// The worker of the "Your model" panel: it loads the user's model from the dropped files (a TensorFlow.js layers
// or graph model.json with its weight files, or an .onnx file run by onnxruntime-web on WASM) and explains the
// dropped photo with a method of the registry. Everything happens here, in the browser: the files are read from
// the File objects the page passes, never uploaded. onnxruntime-web's .wasm file is a build asset of the demo
// (imported with ?url below), served from the same origin.
import { GlassboxError, initBackend, isGlassboxError, tf } from '@glassbox/tensors-ops';
import type { Attribution, Tensor } from '@glassbox/tensors-ops';
import { loadGraphModel, loadImage, loadLayersModel, loadOnnx, toOriginal } from '@glassbox/adapters';
import type { GlassboxModel } from '@glassbox/adapters';
import { methodRegistry } from '@glassbox/report';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import type { ByomModelInfo, ByomReply, ByomRequest, ByomResult } from './protocol.js';
import { userMethodNames, userMethodOptions } from './options.js';

const scope = self as unknown as { postMessage(m: ByomReply, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ByomRequest>) => void) | null };
const post = (m: ByomReply, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

let model: GlassboxModel | null = null;
let format: ByomModelInfo['format'] = 'layers';

async function disposeModel(): Promise<void> {
  const m = model;
  model = null;
  if (m !== null) await m.dispose();
}

async function load(files: File[], layout: 'NCHW' | 'NHWC' | undefined, logits: boolean): Promise<ByomModelInfo> {
  await disposeModel();
  const onnx = files.find((f) => f.name.toLowerCase().endsWith('.onnx'));
  const opts = logits ? { logits: true } : {};
  if (onnx !== undefined) {
    if (files.length !== 1) throw new GlassboxError('INVALID_ARGUMENT', `Your model: drop the .onnx file alone, got ${files.length} files (${files.map((f) => f.name).join(', ')})`);
    const ort = await import('onnxruntime-web');
    ort.env.wasm.wasmPaths = { wasm: new URL(ortWasm, self.location.href).href };
    ort.env.wasm.numThreads = 1;
    model = await loadOnnx(new Uint8Array(await onnx.arrayBuffer()), { ...opts, ...(layout !== undefined ? { layout } : {}) });
    format = 'onnx';
  } else {
    const json = files.find((f) => f.name === 'model.json') ?? files.find((f) => f.name.toLowerCase().endsWith('.json'));
    if (json === undefined) throw new GlassboxError('INVALID_ARGUMENT', `Your model: drop a model.json with its weight files, or an .onnx file; got ${files.map((f) => f.name).join(', ') || 'no files'}`);
    const parsed = JSON.parse(await json.text()) as { format?: string; modelTopology?: { node?: unknown } };
    const graph = parsed.format === 'graph-model' || Array.isArray(parsed.modelTopology?.node);
    model = graph ? await loadGraphModel(files, opts) : await loadLayersModel(files, opts);
    format = graph ? 'graph' : 'layers';
  }
  const shape = model.inputShape;
  if (shape.length !== 4 || (shape[3] !== null && shape[3] !== 3)) {
    const got = `[${shape.map((d) => d ?? '?').join(', ')}]`;
    await disposeModel();
    throw new GlassboxError('SHAPE_MISMATCH', `Your model: the demo explains colour image classifiers (input [N, H, W, 3]), this one takes ${got}`);
  }
  const methods = userMethodNames(format === 'onnx').map((name) => {
    const info = methodRegistry.get(name).info;
    return { name, label: info.label, family: info.family };
  });
  const k = model.outputShape[1];
  return { format, inputShape: shape, outputs: typeof k === 'number' ? k : null, methods, logits: model.logits };
}

function parseLabels(text: string | null, k: number): string[] | null {
  if (text === null) return null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length !== k) throw new GlassboxError('SHAPE_MISMATCH', `Your model: the labels file names ${lines.length} classes (one per line), but the model has ${k} outputs`);
  return lines;
}

async function runMethod(m: GlassboxModel, name: string, x: Tensor, target: number): Promise<Attribution> {
  const entry = methodRegistry.get(name);
  const [h, w] = [x.shape[1]!, x.shape[2]!];
  const options = { ...userMethodOptions(name, h, w), target };
  type Explainer = (f: unknown, x: Tensor, o: Record<string, unknown>) => Promise<Attribution>;
  if (entry.info.wrapper) {
    const wrap = entry.fn as unknown as (e: unknown, o: Record<string, unknown>) => Explainer;
    return wrap(methodRegistry.get('saliency').fn, { seed: 0 })(m, x, { target });
  }
  return (entry.fn as unknown as Explainer)(m, x, options);
}

async function explain(r: Extract<ByomRequest, { type: 'explain' }>): Promise<ByomResult> {
  const m = model;
  if (m === null) throw new GlassboxError('INVALID_ARGUMENT', 'Your model: load a model first');
  if (!userMethodNames(format === 'onnx').includes(r.method)) {
    throw new GlassboxError('INVALID_ARGUMENT', `Your model: ${r.method} does not apply to this ${format} model; use one of ${userMethodNames(format === 'onnx').join(', ')}`);
  }
  const shape = m.inputShape;
  const size = shape[1] !== null && shape[2] !== null ? ([shape[1]!, shape[2]!] as [number, number]) : undefined;
  const { x, info } = await loadImage(r.image, { preprocess: r.preprocess as '0-1', crop: r.crop, ...(size !== undefined ? { size } : {}) });
  let a: Attribution | null = null;
  let mapped: Tensor | null = null;
  try {
    const y = await m.predict(x);
    const scores = Array.from(await y.data());
    y.dispose();
    const labels = parseLabels(r.labels, scores.length);
    let predicted = 0;
    for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[predicted]!) predicted = i;
    const target = r.target ?? predicted;
    if (!Number.isInteger(target) || target < 0 || target >= scores.length) throw new GlassboxError('TARGET_OUT_OF_RANGE', `Your model: target ${target} is not among the ${scores.length} outputs`);
    const t0 = performance.now();
    a = await runMethod(m, r.method, x, target);
    const ms = performance.now() - t0;
    const attributions = Array.from(await a.attributions.data());
    mapped = toOriginal(a.attributions, info);
    const full = await mapped.data();
    const { width, height, data } = info.original;
    const onPhoto = new Float32Array(width * height);
    for (let p = 0; p < onPhoto.length; p++) onPhoto[p] = full[3 * p]! + full[3 * p + 1]! + full[3 * p + 2]!;
    return {
      method: r.method,
      scores,
      predicted,
      target,
      labels,
      attributions,
      size: [x.shape[1]!, x.shape[2]!],
      original: { width, height, data: Uint8Array.from(data) },
      onPhoto,
      signed: methodRegistry.get(r.method).info.signed,
      ms,
    };
  } finally {
    tf.dispose([x, mapped, a?.attributions, a?.delta].filter((t): t is Tensor => t != null));
  }
}

scope.onmessage = (event) => {
  const req = event.data;
  const id = req.type === 'init' ? 0 : req.id;
  void (async () => {
    try {
      if (req.type === 'init') {
        const info = await initBackend({ backend: req.backend });
        post({ type: 'ready', backend: info.backend });
      } else if (req.type === 'load') {
        post({ type: 'loaded', id, info: await load(req.files, req.layout, req.logits) });
      } else {
        const result = await explain(req);
        post({ type: 'explained', id, result }, [result.onPhoto.buffer, result.original.data.buffer]);
      }
    } catch (e) {
      const code = isGlassboxError(e) ? e.code : undefined;
      post({ type: 'error', id, ...(code !== undefined ? { code } : {}), message: e instanceof Error ? e.message : String(e) });
    }
  })();
};
