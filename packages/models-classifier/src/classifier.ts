import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  Sequential,
  assertNumber,
  assertOneOf,
  describe,
  forEachBatch,
  isTensor,
  optionKeys,
  sequential,
  tf,
  type ApplyOptions,
  type LayerInfo,
  type LayerSpec,
  type SequentialJSON,
  type SplitModel,
} from '@glassbox/tensors-ops';
import { checkOptions, checkRate, checkRows, checkSeed, checkShape, checkUnits, resolveEvaluateOptions, type EvaluateOptions } from '@glassbox/tensors-ops/models';

/** How a classifier was built: the CNN or MLP of this package, or from your own layer specs. */
export type ClassifierVariant = 'cnn' | 'mlp' | 'custom';

/** The name of the CNN's last convolution, the layer to give Grad-CAM (`gradCam(cnn, x, { layer: CNN_LAST_CONV_LAYER })`). */
export const CNN_LAST_CONV_LAYER = 'conv2';

/** Hidden-layer nonlinearities an MLP classifier may use. */
export const MLP_ACTIVATIONS = ['relu', 'tanh', 'leakyRelu', 'elu', 'sigmoid', 'softplus'] as const;
export type MlpActivation = (typeof MLP_ACTIVATIONS)[number];

/** Pooling after the CNN's convolutions. */
export const CNN_POOLS = ['max', 'avg', 'none'] as const;
export type CnnPool = (typeof CNN_POOLS)[number];

/** Options of `createCnn`. */
export interface CnnOptions {
  /** One image, [H, W, C]; default [28, 28, 1]. */
  inputShape?: [number, number, number];
  /** Number of classes K (the logits' width), integer >= 2; default 10. */
  classes?: number;
  /** Filters of conv1 and conv2, integers >= 1; default [32, 64]. */
  filters?: [number, number];
  /**
   * Pooling (2x2) after conv2: 'avg' (default), 'max' or 'none'. Average pooling is the default because its
   * gradient is several times faster than max pooling's on the WASM backend, at the same accuracy on digits.
   */
  pool?: CnnPool;
  /** Width of the hidden dense layer 'dense1', integer >= 0 (0: none); default 128. */
  denseUnits?: number;
  /** Dropout rate before and after 'dense1' during training, in [0, 1); default 0.25. */
  dropout?: number;
  /** Seed of the initial weights; default 0. */
  seed?: number;
}

/** The keys of CnnOptions. */
export const CNN_OPTION_KEYS = optionKeys<CnnOptions>({ inputShape: true, classes: true, filters: true, pool: true, denseUnits: true, dropout: true, seed: true });

/** Options of `createMlp`. */
export interface MlpOptions {
  /** Features per row, integer >= 1 (required). */
  inputSize: number;
  /** Number of classes K, integer >= 2 (required). */
  classes: number;
  /** Widths of the hidden layers 'dense1', 'dense2', ...; default [64, 64]. */
  hidden?: number[];
  /** Hidden nonlinearity; default 'relu'. */
  activation?: MlpActivation;
  /** Dropout rate after each hidden layer during training, in [0, 1); default 0. */
  dropout?: number;
  /** Seed of the initial weights; default 0. */
  seed?: number;
}

/** The keys of MlpOptions. */
export const MLP_OPTION_KEYS = optionKeys<MlpOptions>({ inputSize: true, classes: true, hidden: true, activation: true, dropout: true, seed: true });

export type ResolvedCnnOptions = Required<CnnOptions>;
export type ResolvedMlpOptions = Required<MlpOptions>;
/** Options of a classifier built from layer specs. */
export interface CustomClassifierOptions {
  seed: number;
}

/** The architecture of a classifier as JSON (stored in model.json's modelTopology by `save`). */
export interface ClassifierTopology {
  format: 'glassbox-classifier';
  version: 1;
  kind: 'classifier';
  variant: ClassifierVariant;
  /** The options the model was built with (every default filled in). */
  options: ResolvedCnnOptions | ResolvedMlpOptions | CustomClassifierOptions;
  /** The layers (tensors-ops `Sequential.toJSON()`). */
  network: SequentialJSON;
}

export const CLASSIFIER_FORMAT = 'glassbox-classifier';

/** Options of `Classifier.evaluate`: `batchSize` (default 256), `onProgress`, `signal` (tensors-ops/models' evaluate options). */
export { EVALUATE_OPTION_KEYS, type EvaluateOptions } from '@glassbox/tensors-ops/models';

/** What `Classifier.evaluate` resolves to. */
export interface ClassifierEvaluation {
  /** Mean softmax cross-entropy, nats per row. */
  loss: number;
  /** Fraction of rows whose largest logit is the label, in [0, 1]. */
  accuracy: number;
  /** Rows evaluated. */
  rows: number;
}

/** Labels: one integer class per row. */
export type Labels = Int32Array | Uint8Array | number[] | Tensor;

/** Checks labels for n rows and K classes; returns them as an Int32Array. */
export function resolveLabels(y: unknown, n: number, classes: number, where: string, name = 'y'): Int32Array {
  let values: ArrayLike<number>;
  if (isTensor(y)) {
    if ((y as Tensor & { isDisposed?: boolean }).isDisposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} has been disposed`);
    if (y.rank !== 1) throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must be a tensor of shape [N] (one label per row), got shape [${y.shape.join(', ')}]`);
    values = y.dataSync();
  } else if (Array.isArray(y) || y instanceof Int32Array || y instanceof Uint8Array || y instanceof Uint16Array || y instanceof Int16Array) {
    values = y as ArrayLike<number>;
  } else {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be labels (an Int32Array, a number[] or an int tensor [N]), got ${describe(y)}`);
  }
  if (values.length !== n) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have one label per row of x (${n}), got ${values.length}`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name}[${i}] must be an integer class in 0..${classes - 1}, got ${describe(v)}`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * A classifier: a tensors-ops `Sequential` whose output is one logit per class, with named layers so that
 * explainers can look inside (`split` for Grad-CAM, `network.applyWithActivations` for layer methods). Build
 * one with `createCnn`, `createMlp` or `createClassifier`, train it with `train`, save it with `save`.
 * The caller owns it and frees its variables with `dispose()`.
 */
export class Classifier {
  /** What `report` and the demo look for. */
  readonly kind = 'classifier' as const;
  readonly variant: ClassifierVariant;
  /** The options it was built with, every default filled in. */
  readonly options: Readonly<ResolvedCnnOptions | ResolvedMlpOptions | CustomClassifierOptions>;
  /** The layers and their variables. */
  readonly network: Sequential;
  /** Shape of one input row, e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  /** Number of classes K. */
  readonly numClasses: number;
  /** The name of the last conv2d layer (for Grad-CAM), or null when there is none. */
  readonly lastConvLayer: string | null;

  /** @internal Use `createCnn`, `createMlp`, `createClassifier` or `load`. */
  constructor(network: Sequential, variant: ClassifierVariant, options: ResolvedCnnOptions | ResolvedMlpOptions | CustomClassifierOptions) {
    this.network = network;
    this.variant = variant;
    this.options = Object.freeze({ ...options });
    this.inputShape = network.inputShape;
    this.numClasses = network.outputShape[0]!;
    const convs = network.layers.filter((l) => l.type === 'conv2d');
    this.lastConvLayer = convs.length === 0 ? null : convs[convs.length - 1]!.name;
  }

  /** The layers, in order (name, type, shapes, activation, parameter names). */
  get layers(): readonly LayerInfo[] {
    return this.network.layers;
  }

  /** The layer names, in order (for `split` and layer explainers). */
  get layerNames(): string[] {
    return this.network.layers.map((l) => l.name);
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.network.isDisposed;
  }

  /**
   * The logits, in inference mode (dropout off): the ForwardFn explainers take.
   * @param x float32 [N, ...inputShape].
   * @returns float32 [N, K] that the caller owns.
   */
  predict(x: Tensor): Tensor {
    this.checkAlive('Classifier.predict');
    checkRows(x, this.inputShape, 'Classifier.predict');
    return this.network.predict(x);
  }

  /**
   * Class probabilities softmax(logits), in inference mode.
   * @param x float32 [N, ...inputShape].
   * @returns float32 [N, K], rows summing to 1, that the caller owns.
   */
  predictProba(x: Tensor): Tensor {
    this.checkAlive('Classifier.predictProba');
    checkRows(x, this.inputShape, 'Classifier.predictProba');
    return tf.tidy(() => tf.softmax(this.network.predict(x)));
  }

  /**
   * The forward pass with options: `training: true` turns dropout on (with `seed` for its masks).
   * @returns float32 [N, K] logits that the caller owns.
   */
  apply(x: Tensor, options: ApplyOptions = {}): Tensor {
    this.checkAlive('Classifier.apply');
    checkRows(x, this.inputShape, 'Classifier.apply');
    return this.network.apply(x, options);
  }

  /**
   * Cuts the model after a layer: `features` runs the layers up to and including it, `head` the rest;
   * `head(features(x))` equals `predict(x)`. Grad-CAM uses it with the last convolution (`lastConvLayer`,
   * 'conv2' for the CNN): `gradCam(model, x, { layer: 'conv2' })`.
   * @param layerName one of `layerNames`.
   */
  split(layerName: string): SplitModel {
    this.checkAlive('Classifier.split');
    if (typeof layerName !== 'string' || !this.layerNames.includes(layerName)) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `Classifier.split: layerName must be one of ${this.layerNames.map((n) => `'${n}'`).join(', ')}, got ${describe(layerName)}`,
      );
    }
    return this.network.split(layerName);
  }

  /**
   * Mean cross-entropy and accuracy over labelled rows, in inference mode, in batches.
   * @param x float32 [N, ...inputShape].
   * @param y N labels in 0..K-1 (Int32Array, number[] or an int tensor [N]).
   * @param options `batchSize` (default 256), `onProgress`, `signal`.
   */
  async evaluate(x: Tensor, y: Labels, options: EvaluateOptions = {}): Promise<ClassifierEvaluation> {
    const where = 'Classifier.evaluate';
    this.checkAlive(where);
    checkRows(x, this.inputShape, where);
    const { batchSize, onProgress, signal } = resolveEvaluateOptions(options, where, 256);
    const n = x.shape[0]!;
    const labels = resolveLabels(y, n, this.numClasses, where);
    let lossSum = 0;
    let correct = 0;
    await forEachBatch(
      n,
      (start, end) => {
        const [l, c] = tf.tidy(() => {
          const logits = this.network.predict(tf.slice(x, start, end - start));
          const yb = tf.tensor1d(labels.subarray(start, end), 'int32');
          const nll = tf.neg(tf.sum(tf.mul(tf.oneHot(yb, this.numClasses), tf.logSoftmax(logits))));
          const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), yb), 'float32'));
          return tf.stack([nll, hits]).dataSync();
        }) as unknown as [number, number];
        lossSum += l;
        correct += c;
      },
      { batchSize, onProgress, signal, where },
    );
    return { loss: lossSum / n, accuracy: correct / n, rows: n };
  }

  /** The architecture as JSON (what `save` stores in model.json's modelTopology). */
  toJSON(): ClassifierTopology {
    this.checkAlive('Classifier.toJSON');
    return {
      format: CLASSIFIER_FORMAT,
      version: 1,
      kind: 'classifier',
      variant: this.variant,
      options: JSON.parse(JSON.stringify(this.options)),
      network: this.network.toJSON(),
    };
  }

  /** Frees the variables. The model cannot be used afterwards. */
  dispose(): void {
    this.network.dispose();
  }

  private checkAlive(where: string): void {
    if (this.network.isDisposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: this classifier has been disposed`);
  }
}

/** The CNN's options with defaults filled in. */
export function resolveCnnOptions(options: unknown, where: string): ResolvedCnnOptions {
  const o = checkOptions<CnnOptions>(options, where, CNN_OPTION_KEYS);
  const inputShape = o.inputShape === undefined ? [28, 28, 1] : checkShape(o.inputShape, 'options.inputShape', where, 3);
  const classes = o.classes === undefined ? 10 : assertNumber(o.classes, 'options.classes', where, { integer: true, min: 2 });
  const filters = o.filters === undefined ? [32, 64] : checkShape(o.filters, 'options.filters', where, 2);
  const pool = o.pool === undefined ? 'avg' : assertOneOf(o.pool, CNN_POOLS, 'options.pool', where);
  const denseUnits = o.denseUnits === undefined ? 128 : assertNumber(o.denseUnits, 'options.denseUnits', where, { integer: true, min: 0 });
  const dropout = checkRate(o.dropout, 'options.dropout', where, 0.25);
  const seed = checkSeed(o.seed, 'options.seed', where);
  const side = pool === 'none' ? 2 : 4;
  if (inputShape[0]! < side || inputShape[1]! < side) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: options.inputShape must be at least ${side}x${side} for this CNN, got [${inputShape.join(', ')}]`);
  }
  return { inputShape: inputShape as [number, number, number], classes, filters: filters as [number, number], pool, denseUnits, dropout, seed };
}

/** The CNN's layer specs. */
export function cnnSpecs(o: ResolvedCnnOptions): LayerSpec[] {
  const specs: LayerSpec[] = [
    { type: 'conv2d', name: 'conv1', filters: o.filters[0], kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' },
    { type: 'conv2d', name: 'conv2', filters: o.filters[1], kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' },
  ];
  if (o.pool !== 'none') specs.push({ type: o.pool === 'max' ? 'maxPool' : 'avgPool', name: 'pool', poolSize: 2 });
  specs.push({ type: 'flatten', name: 'flatten' });
  if (o.denseUnits > 0) {
    if (o.dropout > 0) specs.push({ type: 'dropout', name: 'dropout1', rate: o.dropout });
    specs.push({ type: 'dense', name: 'dense1', units: o.denseUnits, activation: 'relu', kernelInitializer: 'heNormal' });
  }
  if (o.dropout > 0) specs.push({ type: 'dropout', name: 'dropout2', rate: o.dropout });
  specs.push({ type: 'dense', name: 'logits', units: o.classes });
  return specs;
}

/** The MLP's options with defaults filled in. */
export function resolveMlpOptions(options: unknown, where: string): ResolvedMlpOptions {
  if (options === undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options { inputSize, classes } are required`);
  }
  const o = checkOptions<MlpOptions>(options, where, MLP_OPTION_KEYS);
  const inputSize = assertNumber(o.inputSize, 'options.inputSize', where, { integer: true, min: 1 });
  const classes = assertNumber(o.classes, 'options.classes', where, { integer: true, min: 2 });
  const hidden = o.hidden === undefined ? [64, 64] : checkUnits(o.hidden, 'options.hidden', where, true);
  const activation = o.activation === undefined ? 'relu' : assertOneOf(o.activation, MLP_ACTIVATIONS, 'options.activation', where);
  const dropout = checkRate(o.dropout, 'options.dropout', where, 0);
  const seed = checkSeed(o.seed, 'options.seed', where);
  return { inputSize, classes, hidden, activation, dropout, seed };
}

/** The MLP's layer specs. */
export function mlpSpecs(o: ResolvedMlpOptions): LayerSpec[] {
  const specs: LayerSpec[] = [];
  o.hidden.forEach((units, i) => {
    specs.push({ type: 'dense', name: `dense${i + 1}`, units, activation: o.activation, kernelInitializer: o.activation === 'relu' ? 'heNormal' : 'glorotUniform' });
    if (o.dropout > 0) specs.push({ type: 'dropout', name: `dropout${i + 1}`, rate: o.dropout });
  });
  specs.push({ type: 'dense', name: 'logits', units: o.classes });
  return specs;
}

/**
 * A small convolutional classifier for images (digits, fashion): two 3x3 convolutions, the second with
 * stride 2, a 2x2 pooling, a hidden dense layer and one logit per class. The layers are named so that
 * explainers can find them:
 *
 *   conv1 (3x3, filters[0], relu) -> conv2 (3x3 stride 2, filters[1], relu) -> pool (2x2 average) -> flatten
 *   -> dropout1 -> dense1 (denseUnits, relu) -> dropout2 -> logits (K)
 *
 * 'conv2' is the last convolution (`CNN_LAST_CONV_LAYER`): its 14x14 feature maps (for 28x28 inputs) are what
 * Grad-CAM weighs. f(x) = logits, trained with softmax cross-entropy (`train`).
 *
 * Papers: LeCun et al. 1998 (convolutional networks for digits, doi:10.1109/5.726791); Srivastava et al. 2014
 * (dropout, JMLR 15); He et al. 2015 (initialisation, arXiv:1502.01852); Grad-CAM: Selvaraju et al. 2016
 * (arXiv:1610.02391).
 *
 * @param options `inputShape` ([H, W, C], default [28, 28, 1]), `classes` (default 10), `filters` (default
 *   [32, 64]), `pool` ('avg' | 'max' | 'none', default 'avg'), `denseUnits` (default 128, 0: none),
 *   `dropout` (default 0.25), `seed` (initial weights, default 0).
 * @throws GlassboxError INVALID_ARGUMENT naming a bad option.
 *
 * @example
 * ```ts
 * const cnn = createCnn({ seed: 1 });
 * await train(cnn, { x, y }, { epochs: 3, seed: 1 });
 * const logits = cnn.predict(x.slice(0, 4));         // [4, 10]
 * const { attributions } = await gradCam(cnn, images, { layer: 'conv2', target: 7 });
 * ```
 */
export function createCnn(options: CnnOptions = {}): Classifier {
  const o = resolveCnnOptions(options, 'createCnn');
  return new Classifier(sequential(cnnSpecs(o), o.inputShape.slice(), { seed: o.seed }), 'cnn', o);
}

/**
 * A multi-layer perceptron for tabular rows: hidden dense layers 'dense1', 'dense2', ... with a nonlinearity
 * (and optional dropout), then 'logits' with one output per class.
 *
 *   f(x) = W_L h_{L-1} + b_L,  h_i = act(W_i h_{i-1} + b_i),  h_0 = x
 *
 * Paper: Rumelhart, Hinton & Williams 1986 (backpropagation, doi:10.1038/323533a0).
 *
 * @param options `inputSize` and `classes` (required), `hidden` (default [64, 64]), `activation` (default
 *   'relu'), `dropout` (default 0), `seed` (default 0).
 * @throws GlassboxError INVALID_ARGUMENT naming a bad option.
 *
 * @example
 * ```ts
 * const mlp = createMlp({ inputSize: 2, classes: 2, hidden: [16, 16], seed: 3 });
 * await train(mlp, twoMoons({ n: 200, noise: 0.1 }), { epochs: 50 });
 * ```
 */
export function createMlp(options: MlpOptions): Classifier {
  const o = resolveMlpOptions(options, 'createMlp');
  return new Classifier(sequential(mlpSpecs(o), [o.inputSize], { seed: o.seed }), 'mlp', o);
}

/**
 * A classifier from your own layer specs (tensors-ops `sequential`): the last layer must output one logit
 * per class (rows of shape [K], K >= 2), without a softmax.
 *
 * @param specs the layers (see tensors-ops `sequential`).
 * @param inputShape one input row, e.g. [28, 28, 1].
 * @param options `seed` (default 0).
 * @throws GlassboxError INVALID_ARGUMENT / SHAPE_MISMATCH for bad specs or an output that is not [K].
 *
 * @example
 * ```ts
 * const model = createClassifier([{ type: 'flatten' }, { type: 'dense', name: 'logits', units: 10 }], [28, 28, 1]);
 * ```
 */
export function createClassifier(specs: LayerSpec[], inputShape: number[], options: { seed?: number } = {}): Classifier {
  const where = 'createClassifier';
  const o = checkOptions<{ seed: number }>(options, where, ['seed']);
  const seed = checkSeed(o.seed, 'options.seed', where);
  const net = sequential(specs, inputShape, { seed });
  if (net.outputShape.length !== 1 || net.outputShape[0]! < 2) {
    const shape = net.outputShape.slice();
    net.dispose();
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: the last layer must output one logit per class (rows of shape [K], K >= 2), got rows of shape [${shape.join(', ')}]`);
  }
  return new Classifier(net, 'custom', { seed });
}
