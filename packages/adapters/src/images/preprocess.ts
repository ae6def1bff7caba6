import { GlassboxError, checkOptionKeys, describe, optionKeys } from '@glassbox/tensors-ops';
import { checkPixels, type Pixels } from './pixels.js';

/** The named normalisations of 8-bit RGB images that pretrained models expect. */
export type PreprocessPreset = '0-1' | '-1-1' | 'imagenet' | 'caffe-bgr';

/**
 * A normalisation of 8-bit RGB samples v (0..255): output channel k is
 *
 *   out[k] = (v[source channel of k] * scale - mean[k]) / std[k]
 *
 * where the source channel of k is k for `order: 'rgb'` and 2 - k for `'bgr'` (the output is then B, G, R);
 * `mean` and `std` are in the output's channel order.
 */
export interface PreprocessSpec {
  /** Multiplies the 0..255 samples first, e.g. 1 / 255 for 0..1. */
  scale: number;
  /** Subtracted per output channel after scaling. */
  mean: readonly [number, number, number];
  /** Divides per output channel after the mean is subtracted; each > 0. */
  std: readonly [number, number, number];
  /** Channel order of the output, 'rgb' or 'bgr'. */
  order: 'rgb' | 'bgr';
}

/** The keys of PreprocessSpec. */
export const PREPROCESS_SPEC_KEYS = optionKeys<PreprocessSpec>({ scale: true, mean: true, std: true, order: true });

function spec(scale: number, mean: [number, number, number], std: [number, number, number], order: 'rgb' | 'bgr'): Readonly<PreprocessSpec> {
  return Object.freeze({ scale, mean: Object.freeze(mean), std: Object.freeze(std), order });
}

/**
 * The presets, as specs:
 * - `'0-1'`: v / 255 (Keras `Rescaling(1/255)`, most small CNNs).
 * - `'-1-1'`: v / 127.5 - 1 (MobileNet, MobileNetV2, Inception, Xception in Keras: `preprocess_input` in 'tf' mode).
 * - `'imagenet'`: (v / 255 - mean) / std with mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225] (torchvision's
 *   pretrained models; Keras' 'torch' mode, e.g. DenseNet).
 * - `'caffe-bgr'`: channels reordered to BGR, then v - [103.939, 116.779, 123.68] on 0..255 (Keras 'caffe' mode:
 *   VGG16, VGG19, ResNet50 v1).
 */
export const PREPROCESS_PRESETS: Readonly<Record<PreprocessPreset, Readonly<PreprocessSpec>>> = Object.freeze({
  '0-1': spec(1 / 255, [0, 0, 0], [1, 1, 1], 'rgb'),
  '-1-1': spec(1 / 127.5, [1, 1, 1], [1, 1, 1], 'rgb'),
  imagenet: spec(1 / 255, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225], 'rgb'),
  'caffe-bgr': spec(1, [103.939, 116.779, 123.68], [1, 1, 1], 'bgr'),
});

const PRESETS = Object.keys(PREPROCESS_PRESETS) as PreprocessPreset[];

function triple(value: unknown, name: string, where: string, fallback: number, positive: boolean): [number, number, number] {
  if (value === undefined) return [fallback, fallback, fallback];
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0))) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be three finite numbers${positive ? ' > 0' : ''}, got ${describe(value)}`);
  }
  return [value[0], value[1], value[2]];
}

/**
 * Internal: a preset name or a partial spec (defaults: scale 1 / 255, mean 0, std 1, order 'rgb') to a full spec.
 */
export function resolvePreprocess(value: unknown, name: string, where: string): PreprocessSpec {
  if (typeof value === 'string') {
    if (!(PRESETS as string[]).includes(value)) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: ${name} must be one of ${PRESETS.map((p) => `'${p}'`).join(', ')} or { scale, mean, std, order }, got ${describe(value)}`,
      );
    }
    const p = PREPROCESS_PRESETS[value as PreprocessPreset];
    return { scale: p.scale, mean: [...p.mean], std: [...p.std], order: p.order };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be one of ${PRESETS.map((p) => `'${p}'`).join(', ')} or { scale, mean, std, order } (say how the model's training images were normalised), got ${describe(value)}`,
    );
  }
  const o = checkOptionKeys<Partial<PreprocessSpec>>(value, PREPROCESS_SPEC_KEYS, where, name);
  const scale = o.scale ?? 1 / 255;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name}.scale must be a finite number > 0, got ${describe(scale)}`);
  }
  const order = o.order ?? 'rgb';
  if (order !== 'rgb' && order !== 'bgr') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name}.order must be 'rgb' or 'bgr', got ${describe(order)}`);
  }
  return { scale, mean: triple(o.mean, `${name}.mean`, where, 0, false), std: triple(o.std, `${name}.std`, where, 1, true), order };
}

/** Internal: normalises unchecked 3-channel samples. */
export function preprocessUnchecked(data: ArrayLike<number>, spec: PreprocessSpec): Float32Array {
  const out = new Float32Array(data.length);
  const { scale, mean, std } = spec;
  const bgr = spec.order === 'bgr';
  for (let i = 0; i < data.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      const v = data[i + (bgr ? 2 - k : k)]!;
      out[i + k] = (v * scale - mean[k]!) / std[k]!;
    }
  }
  return out;
}

/**
 * Normalises an RGB image of 0..255 samples the way a model's training images were: a preset name or a spec
 * (see `PreprocessSpec`: out[k] = (v[k or 2 - k] * scale - mean[k]) / std[k]). Float samples (from `resize`) are
 * taken as they are, on the 0..255 scale.
 *
 * @param image `{ width, height, channels: 3, data }` with samples on the 0..255 scale.
 * @param preprocess `'0-1'`, `'-1-1'`, `'imagenet'`, `'caffe-bgr'` (see `PREPROCESS_PRESETS`), or
 *   `{ scale?, mean?, std?, order? }` (defaults 1 / 255, [0, 0, 0], [1, 1, 1], 'rgb').
 * @returns the normalised samples, a Float32Array in the same layout (height x width x 3, channel-last).
 * @example
 * ```ts
 * const x = preprocessPixels(resize(img, 224), 'imagenet');
 * ```
 */
export function preprocessPixels(image: Pixels, preprocess: PreprocessPreset | Partial<PreprocessSpec>): Float32Array {
  const where = 'preprocessPixels';
  checkPixels(image, 'image', where);
  if (image.channels !== 3) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: image must have 3 channels (RGB), got ${image.channels}`);
  }
  return preprocessUnchecked(image.data, resolvePreprocess(preprocess, 'preprocess', where));
}
