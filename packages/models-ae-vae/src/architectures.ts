/**
 * The encoder and decoder stacks of the autoencoders and VAEs, as tensors-ops layer specs (plain JSON).
 *
 * MLP:  encoder  flatten -> enc_dense1 .. enc_denseK (relu) -> latent (or moments for a VAE)
 *       decoder  dec_dense1 .. dec_denseK (relu, widths reversed) -> logits -> reshape -> output (sigmoid)
 * Conv: encoder  [enc_convI (3x3, stride 2) -> enc_bnI -> enc_actI (leakyRelu)] per filter -> flatten -> latent
 *       decoder  dec_dense -> dec_reshape -> dec_bn0 -> dec_act0 -> [dec_deconvJ (4x4, stride 2) -> dec_bnJ ->
 *                dec_actJ] -> logits (4x4 transposed conv, stride 2) -> output (sigmoid)
 */
import { GlassboxError, assertNumber, assertOneOf, describe, type LayerSpec } from '@glassbox/tensors-ops';
import { checkOptions, checkSeed, checkShape, checkUnits } from '@glassbox/tensors-ops/models';

/** The two families of encoder/decoder. */
export type Variant = 'mlp' | 'conv';
export const VARIANTS: readonly Variant[] = ['mlp', 'conv'];

/** Architecture options shared by `autoencoder` and `vae`. */
export interface ArchitectureOptions {
  /** 'mlp' (dense layers, default) or 'conv' (strided convolutions down, transposed convolutions up, batch norm, leakyRelu). */
  variant?: Variant;
  /** One input row: [H, W, C] images (conv needs H and W divisible by 2^filters.length) or any shape for mlp; default [28, 28, 1]. */
  inputShape?: number[];
  /** Size of the latent code, integer >= 1. */
  latentDim?: number;
  /** mlp only (conv: leave out or []): widths of the hidden layers of the encoder (the decoder mirrors them). */
  hidden?: number[];
  /** conv only (mlp: leave out or []): filters of the strided convolutions of the encoder (the decoder mirrors them); default [32, 64]. */
  filters?: number[];
  /** Seed of the initial weights; default 0. */
  seed?: number;
}

/** Architecture options with defaults filled in (`hidden` is [] for conv, `filters` [] for mlp). */
export interface ResolvedArchitecture {
  variant: Variant;
  inputShape: number[];
  latentDim: number;
  hidden: number[];
  filters: number[];
  seed: number;
}

function isEmptyArray(v: unknown): boolean {
  return Array.isArray(v) && v.length === 0;
}

/** Checks the architecture options; `defaults` gives latentDim and hidden per model kind. */
export function resolveArchitecture(
  o: Partial<ArchitectureOptions>,
  where: string,
  defaults: { latentDim: number; hidden: number[] },
): ResolvedArchitecture {
  const variant = o.variant === undefined ? 'mlp' : assertOneOf(o.variant, VARIANTS, 'options.variant', where);
  const inputShape = o.inputShape === undefined ? [28, 28, 1] : checkShape(o.inputShape, 'options.inputShape', where);
  const latentDim = o.latentDim === undefined ? defaults.latentDim : assertNumber(o.latentDim, 'options.latentDim', where, { integer: true, min: 1 });
  const seed = checkSeed(o.seed, 'options.seed', where);
  if (variant === 'mlp') {
    if (o.filters !== undefined && !isEmptyArray(o.filters)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.filters is only for variant 'conv' (use options.hidden for 'mlp')`);
    const hidden = o.hidden === undefined ? defaults.hidden.slice() : checkUnits(o.hidden, 'options.hidden', where, true);
    return { variant, inputShape, latentDim, hidden, filters: [], seed };
  }
  if (o.hidden !== undefined && !isEmptyArray(o.hidden)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.hidden is only for variant 'mlp' (use options.filters for 'conv')`);
  const filters = o.filters === undefined ? [32, 64] : checkUnits(o.filters, 'options.filters', where, false);
  const scale = 2 ** filters.length;
  if (inputShape.length !== 3 || inputShape[0]! % scale !== 0 || inputShape[1]! % scale !== 0) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: variant 'conv' needs options.inputShape [H, W, C] with H and W divisible by 2^${filters.length} = ${scale} (one halving per filter), got ${describe(inputShape)}`,
    );
  }
  return { variant, inputShape, latentDim, hidden: [], filters, seed };
}

/** The encoder's layers; its last layer 'latent' (or 'moments') has `outUnits` units. */
export function encoderSpecs(a: ResolvedArchitecture, outUnits: number, outName: string): LayerSpec[] {
  const specs: LayerSpec[] = [];
  if (a.variant === 'mlp') {
    specs.push({ type: 'flatten', name: 'flatten' });
    a.hidden.forEach((units, i) => specs.push({ type: 'dense', name: `enc_dense${i + 1}`, units, activation: 'relu', kernelInitializer: 'heNormal' }));
  } else {
    a.filters.forEach((filters, i) => {
      specs.push({ type: 'conv2d', name: `enc_conv${i + 1}`, filters, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: 'heNormal' });
      specs.push({ type: 'batchNorm', name: `enc_bn${i + 1}` });
      specs.push({ type: 'activation', name: `enc_act${i + 1}`, fn: 'leakyRelu', alpha: 0.2 });
    });
    specs.push({ type: 'flatten', name: 'flatten' });
  }
  specs.push({ type: 'dense', name: outName, units: outUnits });
  return specs;
}

/** The decoder's layers: latent code -> logits -> 'output' (sigmoid, images in 0..1 of the input's shape). */
export function decoderSpecs(a: ResolvedArchitecture): LayerSpec[] {
  const specs: LayerSpec[] = [];
  if (a.variant === 'mlp') {
    [...a.hidden].reverse().forEach((units, i) => specs.push({ type: 'dense', name: `dec_dense${i + 1}`, units, activation: 'relu', kernelInitializer: 'heNormal' }));
    specs.push({ type: 'dense', name: 'logits', units: a.inputShape.reduce((p, d) => p * d, 1) });
    specs.push({ type: 'reshape', name: 'reshape', shape: a.inputShape.slice() });
  } else {
    const k = a.filters.length;
    const h = a.inputShape[0]! / 2 ** k;
    const w = a.inputShape[1]! / 2 ** k;
    const last = a.filters[k - 1]!;
    specs.push({ type: 'dense', name: 'dec_dense', units: h * w * last, useBias: false });
    specs.push({ type: 'reshape', name: 'dec_reshape', shape: [h, w, last] });
    specs.push({ type: 'batchNorm', name: 'dec_bn0' });
    specs.push({ type: 'activation', name: 'dec_act0', fn: 'leakyRelu', alpha: 0.2 });
    for (let j = k - 2; j >= 0; j--) {
      const i = k - 1 - j;
      specs.push({ type: 'conv2dTranspose', name: `dec_deconv${i}`, filters: a.filters[j]!, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: 'heNormal' });
      specs.push({ type: 'batchNorm', name: `dec_bn${i}` });
      specs.push({ type: 'activation', name: `dec_act${i}`, fn: 'leakyRelu', alpha: 0.2 });
    }
    specs.push({ type: 'conv2dTranspose', name: 'logits', filters: a.inputShape[2]!, kernelSize: 4, strides: 2, padding: 'same' });
  }
  specs.push({ type: 'activation', name: 'output', fn: 'sigmoid' });
  return specs;
}

/** Checks an options argument: undefined or an object whose keys are all in `keys` (see checkOptionKeys). */
export function optionsObject<T extends object>(options: unknown, where: string, keys: readonly string[]): Partial<T> {
  return checkOptions<T>(options, where, keys);
}
