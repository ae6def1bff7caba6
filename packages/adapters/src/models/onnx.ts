/**
 * ONNX models (e.g. a PyTorch model exported with torch.onnx.export) run by onnxruntime-web on its WASM backend,
 * in Node and in browsers, as Glassbox models. Needs the optional peer onnxruntime-web.
 */
import { GlassboxError, assertOneOf, checkOptionKeys, describe, optionKeys, tf, type Tensor } from '@glassbox/tensors-ops';
import { importOrt } from './optional.js';
import { onnxPoolSpec } from '../pool/spec.js';
import { readSourceBytes } from '../images/source.js';
import { addGraphOutput, readOnnxGraph, type OnnxGraph } from './onnx-proto.js';
import { checkDeclaredOutput, checkInputShape, checkOutput, formatOpenShape, logProbabilityValues, type OnnxModel } from './model.js';

/** Nodes between a final Softmax and the output that only pass or reshape its values (log p commutes with them). */
const SHAPE_ONLY_OPS = new Set(['Identity', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze']);

/** Options of loadOnnx. */
export interface OnnxOptions {
  /**
   * The layout of the model's image input: 'NCHW' (PyTorch's; x is transposed from NHWC before each run) or
   * 'NHWC' (TensorFlow's; x is passed as is). Required for a rank-4 input; ignored for other ranks.
   */
  layout?: 'NCHW' | 'NHWC';
  /**
   * Explain logits instead of probabilities: when the output is made by a Softmax node (after any Identity nodes),
   * the model's output becomes that node's input (the graph is given one more output; `model.logits` is 'input').
   * When nodes that reshape (Reshape, Flatten, Squeeze, Unsqueeze) sit between the Softmax and the output, it cannot
   * be cut without changing the output's shape: the model explains the log-probabilities log p instead
   * (`model.logits` is 'log'; see `logProbabilities`). An output that no Softmax makes is refused. Default false.
   */
  logits?: boolean;
}

export const ONNX_OPTION_KEYS = optionKeys<OnnxOptions>({ layout: true, logits: true });

const LAYOUTS = ['NCHW', 'NHWC'] as const;

function bad(where: string, message: string, cause?: unknown): GlassboxError {
  return new GlassboxError('BAD_WEIGHTS', `${where}: ${message}`, cause === undefined ? undefined : { cause });
}

async function readBytes(source: unknown, where: string): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const bytes = typeof source === 'string' || source instanceof URL || (typeof Blob !== 'undefined' && source instanceof Blob) ? await readSourceBytes(source, where, 'source') : null;
  if (bytes === null) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: source must be the path (Node) or URL of an .onnx file, its bytes (Uint8Array, ArrayBuffer) or a Blob, got ${describe(source)}`);
  }
  return bytes;
}

/**
 * Loads an ONNX model as a Glassbox model whose `predict` answers with a Promise (onnxruntime runs asynchronously):
 * the methods that only call the model (occlusion, featureAblation, featurePermutation, shapleyValueSampling,
 * exactShapley, kernelShap, lime, the deletion / insertion curves) take it; gradient methods refuse it. Images are
 * NHWC whatever the file's layout: an 'NCHW' model gets x transposed on the way in, so attributions come back NHWC.
 *
 * onnxruntime-web runs on its WASM backend from its own package's .wasm files (no download). When
 * `ort.env.wasm.numThreads` is unset, it is set to 1 (single-threaded: no worker threads; set it yourself before
 * the first load to use more). In a browser bundle, point `ort.env.wasm.wasmPaths` at where the .wasm files are
 * served if your bundler does not copy them.
 *
 * The file is checked before the session starts: bytes that are not an ONNX model are BAD_WEIGHTS, a model with
 * several inputs or outputs is INVALID_ARGUMENT, an output that is not [N, K] (or [N]) is SHAPE_MISMATCH; nothing is
 * left open. `dispose()` releases the session.
 *
 * @param source the .onnx file's path (Node) or URL, its bytes, or a Blob.
 * @param options `layout` (required for image inputs), `logits` (default false): see OnnxOptions.
 *
 * @example
 * ```ts
 * const model = await loadOnnx('resnet18.onnx', { layout: 'NCHW', logits: true });
 * const r = await occlusion(model, x, { target: 207, window: [16, 16, 3], strides: [8, 8, 3] });
 * await model.dispose();
 * ```
 */
export async function loadOnnx(source: string | URL | Uint8Array | ArrayBuffer | Blob, options: OnnxOptions = {}): Promise<OnnxModel> {
  const where = 'loadOnnx';
  const opts = checkOptionKeys<OnnxOptions>(options, ONNX_OPTION_KEYS, where);
  if (opts.layout !== undefined) assertOneOf(opts.layout, LAYOUTS, 'options.layout', where);
  let bytes = await readBytes(source, where);
  const fileBytes = bytes;
  let graph: OnnxGraph;
  try {
    graph = readOnnxGraph(bytes);
  } catch (e) {
    throw bad(where, `source is not an ONNX model (${bytes.length} bytes that are not an ONNX ModelProto with a graph: ${(e as Error).message})`, e);
  }
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: the model must have one input and one output, got inputs (${graph.inputs.map((v) => v.name).join(', ')}) and outputs (${graph.outputs.map((v) => v.name).join(', ')}); export it with one of each`,
    );
  }
  const input = graph.inputs[0]!;
  const fileShape = input.shape ?? [];
  const rank = fileShape.length;
  if (rank === 4 && opts.layout === undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.layout is required for an image input (${JSON.stringify(input.name)} of shape ${formatOpenShape(fileShape)}): 'NCHW' (PyTorch) or 'NHWC'`);
  }
  const layout = rank === 4 ? opts.layout! : 'NHWC';
  const transpose = rank === 4 && layout === 'NCHW';
  const inputShape: Array<number | null> = (transpose ? [fileShape[0], fileShape[2], fileShape[3], fileShape[1]] : fileShape).map((d) => d ?? null);
  inputShape[0] = null;
  let outputName = graph.outputs[0]!.name;
  const outputShape = (graph.outputs[0]!.shape ?? [null, null]).map((d, i) => (i === 0 ? null : d));
  checkDeclaredOutput(outputShape, where, JSON.stringify(outputName));
  let logits: 'input' | 'log' | null = null;
  if (opts.logits === true) {
    // Back from the output through Identity nodes (cut: the Softmax's input becomes a graph output) and through
    // nodes that only reshape (log p is taken: the softmax cannot be cut without changing the output's shape).
    let name = outputName;
    let node = graph.nodes.find((n) => n.outputs.includes(name));
    let direct = true;
    while (node !== undefined && SHAPE_ONLY_OPS.has(node.op) && node.inputs.length > 0) {
      if (node.op !== 'Identity') direct = false;
      name = node.inputs[0]!;
      node = graph.nodes.find((n) => n.outputs.includes(name));
    }
    if (node === undefined || node.op !== 'Softmax' || node.inputs.length !== 1) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: options.logits: the output ${JSON.stringify(outputName)} is not made by a Softmax node (it is ${node === undefined ? 'made by no node' : `a ${node.op} node`}); leave options.logits out to explain it as it is`,
      );
    }
    if (direct) {
      outputName = node.inputs[0]!;
      bytes = addGraphOutput(bytes, outputName);
      logits = 'input';
    } else {
      logits = 'log';
    }
  }
  const ort = await importOrt(where);
  if (ort.env.wasm.numThreads === undefined) ort.env.wasm.numThreads = 1;
  let session: import('onnxruntime-web').InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  } catch (e) {
    throw bad(where, `onnxruntime could not load the model: ${(e as Error)?.message ?? String(e)}`, e);
  }
  const inputName = input.name;
  let disposed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const run = async (x: Tensor): Promise<Tensor> => {
    if (disposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model was disposed`);
    checkInputShape(x, inputShape, 'predict');
    const fed = transpose ? tf.transpose(x, [0, 3, 1, 2]) : x;
    let data: Float32Array;
    try {
      data = (await fed.data()) as Float32Array;
    } finally {
      if (fed !== x) fed.dispose();
    }
    const dims = transpose ? [x.shape[0]!, x.shape[3]!, x.shape[1]!, x.shape[2]!] : x.shape;
    const feed = new ort.Tensor('float32', data, dims);
    let result: Record<string, import('onnxruntime-web').Tensor>;
    try {
      result = await session.run({ [inputName]: feed }, [outputName]);
    } finally {
      feed.dispose();
    }
    const out = result[outputName]!;
    try {
      if (out.type !== 'float32' && out.type !== 'float64' && out.type !== 'int32') {
        throw new GlassboxError('INVALID_ARGUMENT', `predict: the model's output ${JSON.stringify(outputName)} has type ${out.type}; expected float scores`);
      }
      const values = logits === 'log' ? logProbabilityValues(out.data as ArrayLike<number>) : Float32Array.from(out.data as ArrayLike<number>);
      const y = tf.tensor(values, out.dims.slice(), 'float32');
      return checkOutput(y, x.shape[0]!, 'predict');
    } finally {
      for (const t of Object.values(result)) t.dispose();
    }
  };

  return {
    kind: 'onnx',
    async: true,
    inner: session,
    layout,
    inputShape,
    outputShape,
    layers: graph.nodes.map((n, i) => n.name || `${n.op}_${i}`),
    logits,
    predict(x: Tensor): Promise<Tensor> {
      // One run at a time per session (onnxruntime-web does not run one session concurrently).
      const next = queue.then(() => run(x));
      queue = next.catch(() => undefined);
      return next;
    },
    toPooledModel() {
      if (disposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model was disposed`);
      return onnxPoolSpec(fileBytes, opts);
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      await queue;
      await session.release();
    },
  };
}
