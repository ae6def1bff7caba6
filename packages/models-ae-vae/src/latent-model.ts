import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  Sequential,
  assertNumber,
  describe,
  formatShape,
  isTensor,
  tf,
  type ForwardFn,
  type SequentialJSON,
  type Variable,
} from '@glassbox/tensors-ops';
import type { ResolvedArchitecture, Variant } from './architectures.js';
import { checkRows } from '@glassbox/tensors-ops/models';

export const AE_VAE_FORMAT = 'glassbox-ae-vae';

/** The architecture of an autoencoder or VAE as JSON (stored in model.json's modelTopology by `save`). */
export interface LatentModelTopology<O = object> {
  format: 'glassbox-ae-vae';
  version: 1;
  kind: 'ae' | 'vae';
  /** The options the model was built with (every default filled in). */
  options: O;
  encoder: SequentialJSON;
  decoder: SequentialJSON;
}

/** A latent code given as a tensor [L] or [1, L], or as numbers. */
export type LatentPoint = Tensor | ArrayLike<number>;

/**
 * What autoencoders and VAEs share: an encoder from inputs to latent codes, a decoder back (sigmoid
 * outputs, images in 0..1 of the input's shape), and the ways to walk the latent space. `encoder` and
 * `decoder` are ForwardFns, so every explainer applies to them unchanged ("which pixels made this latent
 * code", "which latent dimensions made these pixels"); `predict` is the reconstruction.
 */
export abstract class LatentModel<O extends ResolvedArchitecture = ResolvedArchitecture> {
  abstract readonly kind: 'ae' | 'vae';
  readonly variant: Variant;
  /** The options it was built with, every default filled in. */
  readonly options: Readonly<O>;
  /** The encoder's layers and variables. */
  readonly encoderNet: Sequential;
  /** The decoder's layers and variables (its last layer, 'output', is the sigmoid). */
  readonly decoderNet: Sequential;
  /** Shape of one input row, e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  /** Size of the latent code. */
  readonly latentDim: number;
  /** x [N, ...inputShape] -> latent code [N, L] (the mean for a VAE), inference mode; a ForwardFn. */
  readonly encoder: ForwardFn;
  /** z [N, L] -> images [N, ...inputShape] in 0..1, inference mode; a ForwardFn. */
  readonly decoder: ForwardFn;
  protected readonly logitsLayer: string;

  protected constructor(encoderNet: Sequential, decoderNet: Sequential, options: O) {
    this.encoderNet = encoderNet;
    this.decoderNet = decoderNet;
    this.options = Object.freeze(JSON.parse(JSON.stringify(options)) as O);
    this.variant = options.variant;
    this.inputShape = Object.freeze(options.inputShape.slice());
    this.latentDim = options.latentDim;
    this.logitsLayer = decoderNet.layers[decoderNet.layers.length - 2]!.name;
    this.encoder = (x: Tensor) => this.encode(x);
    this.decoder = (z: Tensor) => this.decode(z);
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.encoderNet.isDisposed;
  }

  /**
   * The latent code of each row (for a VAE, the mean of q(z|x)), inference mode.
   * @param x float32 [N, ...inputShape].
   * @returns float32 [N, latentDim] that the caller owns.
   */
  abstract encode(x: Tensor): Tensor;

  /**
   * Draws n images from the model (a VAE from its prior N(0, I); an autoencoder from a Gaussian fitted to the
   * codes of its training data).
   * @param n images, integer >= 1.
   * @param seed seed of the draw (default 0): same seed, same images.
   * @returns float32 [n, ...inputShape] in 0..1 that the caller owns.
   */
  sample(n: number, seed = 0): Tensor {
    const where = `${this.name}.sample`;
    this.checkAlive(where);
    const z = this.sampleLatent(n, seed);
    try {
      return this.decodeUnchecked(z);
    } finally {
      z.dispose();
    }
  }

  /** The latent codes `sample(n, seed)` decodes: float32 [n, latentDim] that the caller owns. */
  abstract sampleLatent(n: number, seed?: number): Tensor;

  /**
   * Decodes latent codes into images, inference mode.
   * @param z float32 [N, latentDim].
   * @returns float32 [N, ...inputShape] in 0..1 that the caller owns.
   */
  decode(z: Tensor): Tensor {
    const where = `${this.name}.decode`;
    this.checkAlive(where);
    checkRows(z, [this.latentDim], where, 'z');
    return this.decodeUnchecked(z);
  }

  /**
   * decode(encode(x)): the model's reconstruction of each row, in 0..1, same shape as x.
   * @param x float32 [N, ...inputShape].
   */
  reconstruct(x: Tensor): Tensor {
    const where = `${this.name}.reconstruct`;
    this.checkAlive(where);
    checkRows(x, this.inputShape, where);
    return tf.tidy(() => this.decodeUnchecked(this.encodeUnchecked(x)));
  }

  /** The reconstruction (as `reconstruct`), so the model is a `Predictable` for every explainer. */
  predict(x: Tensor): Tensor {
    const where = `${this.name}.predict`;
    this.checkAlive(where);
    checkRows(x, this.inputShape, where);
    return tf.tidy(() => this.decodeUnchecked(this.encodeUnchecked(x)));
  }

  /**
   * Decodes `steps` evenly spaced points of the segment from z0 to z1 (both ends included):
   * z_i = z0 + (i / (steps - 1)) (z1 - z0).
   * @param z0 latent code [L] or [1, L] (tensor or numbers).
   * @param z1 latent code [L] or [1, L].
   * @param steps integer >= 2.
   * @returns images float32 [steps, ...inputShape] that the caller owns.
   */
  interpolate(z0: LatentPoint, z1: LatentPoint, steps: number): Tensor {
    const where = `${this.name}.interpolate`;
    this.checkAlive(where);
    assertNumber(steps, 'steps', where, { integer: true, min: 2 });
    const a = this.latentPoint(z0, 'z0', where);
    const b = this.latentPoint(z1, 'z1', where);
    return tf.tidy(() => {
      const t = tf.reshape(tf.linspace(0, 1, steps), [steps, 1]);
      const za = tf.tensor2d(a, [1, this.latentDim]);
      const zb = tf.tensor2d(b, [1, this.latentDim]);
      return this.decodeUnchecked(tf.add(za, tf.mul(t, tf.sub(zb, za))));
    });
  }

  /**
   * Decodes copies of z with one latent dimension set to each of `values` (a latent traversal).
   * @param z latent code [L] or [1, L].
   * @param dim the dimension, integer in 0..latentDim-1.
   * @param values the values to give it (finite numbers, at least one).
   * @returns images float32 [values.length, ...inputShape] that the caller owns.
   */
  traverse(z: LatentPoint, dim: number, values: ArrayLike<number>): Tensor {
    const where = `${this.name}.traverse`;
    this.checkAlive(where);
    const base = this.latentPoint(z, 'z', where);
    assertNumber(dim, 'dim', where, { integer: true, min: 0, max: this.latentDim - 1 });
    if (values == null || typeof (values as ArrayLike<number>).length !== 'number' || values.length === 0) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: values must be a non-empty array of finite numbers, got ${describe(values)}`);
    }
    const rows = new Float32Array(values.length * this.latentDim);
    for (let i = 0; i < values.length; i++) {
      const v = assertNumber(values[i], `values[${i}]`, where);
      rows.set(base, i * this.latentDim);
      rows[i * this.latentDim + dim] = v;
    }
    return tf.tidy(() => this.decodeUnchecked(tf.tensor2d(rows, [values.length, this.latentDim])));
  }

  /** The architecture as JSON (what `save` stores in model.json's modelTopology). */
  toJSON(): LatentModelTopology<O> {
    this.checkAlive(`${this.name}.toJSON`);
    return {
      format: AE_VAE_FORMAT,
      version: 1,
      kind: this.kind,
      options: JSON.parse(JSON.stringify(this.options)) as O,
      encoder: this.encoderNet.toJSON(),
      decoder: this.decoderNet.toJSON(),
    };
  }

  /** Every parameter by saved name ('encoder/...', 'decoder/...', ...); the caller owns the copies. */
  getWeights(): Record<string, Tensor> {
    this.checkAlive(`${this.name}.getWeights`);
    const out: Record<string, Tensor> = {};
    for (const [prefix, net] of [['encoder', this.encoderNet], ['decoder', this.decoderNet]] as const) {
      for (const [name, v] of net.params) out[`${prefix}/${name}`] = tf.clone(v);
    }
    for (const [name, v] of this.extraVariables()) out[name] = tf.clone(v);
    return out;
  }

  /** Number of scalar parameters (trainable and not). */
  countParams(): number {
    let n = this.encoderNet.countParams() + this.decoderNet.countParams();
    for (const [, v] of this.extraVariables()) n += v.size;
    return n;
  }

  /** Frees every variable. The model cannot be used afterwards. */
  dispose(): void {
    this.encoderNet.dispose();
    this.decoderNet.dispose();
    for (const [, v] of this.extraVariables()) v.dispose();
  }

  // ---- for the package ----

  /** 'Autoencoder' or 'VAE', for messages. */
  protected abstract get name(): string;

  /** @internal Variables besides the two networks, by saved name. */
  extraVariables(): [string, Variable][] {
    return [];
  }

  /** @internal The latent code without argument checks (inside tidy). */
  abstract encodeUnchecked(x: Tensor): Tensor;

  /** @internal Decoded images without checks. */
  decodeUnchecked(z: Tensor): Tensor {
    return this.decoderNet.predict(z);
  }

  /** @internal The decoder's logits (before the sigmoid), in training or inference mode. */
  decoderLogits(z: Tensor, training: boolean): Tensor {
    return this.decoderNet.split(this.logitsLayer).features(z, { training });
  }

  /** @internal */
  checkAlive(where: string): void {
    if (this.isDisposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: this ${this.name} has been disposed`);
  }

  /** @internal Sets every weight by saved name (checked before anything changes). */
  setWeights(weights: Record<string, Tensor>, where: string): void {
    const groups: Record<string, Record<string, Tensor>> = { encoder: {}, decoder: {} };
    const extras = new Map(this.extraVariables());
    const extraValues = new Map<string, Tensor>();
    for (const [name, t] of Object.entries(weights)) {
      const slash = name.indexOf('/');
      const prefix = name.slice(0, slash);
      if (extras.has(name)) extraValues.set(name, t);
      else if (slash > 0 && (prefix === 'encoder' || prefix === 'decoder')) groups[prefix]![name.slice(slash + 1)] = t;
      else throw new GlassboxError('BAD_WEIGHTS', `${where}: unknown weight '${name}' (expected names starting with 'encoder/' or 'decoder/'${extras.size ? ` or ${[...extras.keys()].map((k) => `'${k}'`).join(', ')}` : ''})`);
    }
    for (const [name, v] of extras) {
      const t = extraValues.get(name);
      if (t === undefined) throw new GlassboxError('BAD_WEIGHTS', `${where}: missing weight '${name}'`);
      if (t.dtype !== 'float32' || t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
        throw new GlassboxError('BAD_WEIGHTS', `${where}: weight '${name}' must be float32 of shape ${formatShape(v.shape)}, got ${t.dtype} ${formatShape(t.shape)}`);
      }
    }
    // Check both networks before changing either (setWeights checks everything before assigning).
    const check = (net: Sequential, w: Record<string, Tensor>, prefix: string) => {
      const names = new Set(net.params.keys());
      for (const k of Object.keys(w)) if (!names.has(k)) throw new GlassboxError('BAD_WEIGHTS', `${where}: unknown weight '${prefix}/${k}'`);
      for (const k of names) if (!(k in w)) throw new GlassboxError('BAD_WEIGHTS', `${where}: missing weight '${prefix}/${k}'`);
      for (const [k, t] of Object.entries(w)) {
        const v = net.params.get(k)!;
        if (t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
          throw new GlassboxError('BAD_WEIGHTS', `${where}: weight '${prefix}/${k}' must have shape ${formatShape(v.shape)}, got ${formatShape(t.shape)}`);
        }
      }
    };
    check(this.encoderNet, groups.encoder!, 'encoder');
    check(this.decoderNet, groups.decoder!, 'decoder');
    try {
      this.encoderNet.setWeights(groups.encoder!);
      this.decoderNet.setWeights(groups.decoder!);
    } catch (e) {
      if (e instanceof GlassboxError) throw new GlassboxError('BAD_WEIGHTS', `${where}: ${e.message}`, { cause: e });
      throw e;
    }
    for (const [name, v] of extras) v.assign(extraValues.get(name)!);
  }

  /** A latent point as L numbers. */
  protected latentPoint(z: unknown, name: string, where: string): Float32Array {
    const L = this.latentDim;
    let values: ArrayLike<number>;
    if (isTensor(z)) {
      if ((z as Tensor & { isDisposed?: boolean }).isDisposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} has been disposed`);
      const ok = (z.rank === 1 && z.shape[0] === L) || (z.rank === 2 && z.shape[0] === 1 && z.shape[1] === L);
      if (!ok) throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have shape [${L}] or [1, ${L}], got ${formatShape(z.shape)}`);
      values = z.dataSync();
    } else if (z != null && typeof (z as ArrayLike<number>).length === 'number' && typeof z !== 'string') {
      values = z as ArrayLike<number>;
      if (values.length !== L) throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have ${L} numbers, got ${values.length}`);
    } else {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a latent code (a tensor [${L}] or [1, ${L}], or ${L} numbers), got ${describe(z)}`);
    }
    const out = new Float32Array(L);
    for (let i = 0; i < L; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) throw new GlassboxError('NON_FINITE', `${where}: ${name} must be finite, got ${describe(v)} at index ${i}`);
      out[i] = v;
    }
    return out;
  }
}
