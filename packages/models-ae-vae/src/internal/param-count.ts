/**
 * Counts the parameters a list of layer specs would allocate, from the JSON alone (no tensors), so that a
 * model.json describing a huge model is refused before any variable is made. Mirrors the shape rules of
 * tensors-ops' `sequential` (TensorFlow's conv/pool output sizes, Keras' transposed-conv rule); anything it
 * does not recognise is refused. The caller checks the result against the real model after building it.
 */
import { GlassboxError, describe } from '@glassbox/tensors-ops';

function bad(where: string, message: string): GlassboxError {
  return new GlassboxError('BAD_WEIGHTS', `${where}: ${message}`);
}

function isDim(d: unknown): d is number {
  return typeof d === 'number' && Number.isSafeInteger(d) && d >= 1;
}

function pair(value: unknown, fallback: number, name: string, where: string): [number, number] {
  const v = value === undefined ? fallback : value;
  if (isDim(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && isDim(v[0]) && isDim(v[1])) return [v[0], v[1]];
  throw bad(where, `${name} must be an integer >= 1 or a pair of them, got ${describe(v)}`);
}

function convLength(input: number, kernel: number, stride: number, dilation: number, padding: unknown): number {
  if (padding === 'same') return Math.ceil(input / stride);
  return Math.floor((input - ((kernel - 1) * dilation + 1)) / stride) + 1;
}

/**
 * The number of scalar parameters (trainable and not) that `sequential(specs, inputShape)` would make.
 * @throws GlassboxError BAD_WEIGHTS for specs or shapes it cannot follow.
 */
export function countSpecParams(specs: unknown, inputShape: unknown, where: string): number {
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every(isDim)) {
    throw bad(where, `the input shape must be a non-empty array of integers >= 1, got ${describe(inputShape)}`);
  }
  if (!Array.isArray(specs) || specs.length === 0) {
    throw bad(where, `the layers must be a non-empty array of layer specs, got ${describe(specs)}`);
  }
  let shape: number[] = (inputShape as number[]).slice();
  let total = 0;
  for (const [i, raw] of specs.entries()) {
    if (raw === null || typeof raw !== 'object') throw bad(where, `layers[${i}] must be a layer spec object, got ${describe(raw)}`);
    const s = raw as Record<string, unknown>;
    const last = shape[shape.length - 1]!;
    switch (s.type) {
      case 'dense': {
        if (!isDim(s.units)) throw bad(where, `layers[${i}].units must be an integer >= 1, got ${describe(s.units)}`);
        total += last * s.units + (s.useBias === false ? 0 : s.units);
        shape = [...shape.slice(0, -1), s.units];
        break;
      }
      case 'conv2d':
      case 'conv2dTranspose': {
        if (shape.length !== 3) throw bad(where, `layers[${i}] (${s.type}) needs [H, W, C] rows, got [${shape.join(', ')}]`);
        if (!isDim(s.filters)) throw bad(where, `layers[${i}].filters must be an integer >= 1, got ${describe(s.filters)}`);
        const k = pair(s.kernelSize, 0, `layers[${i}].kernelSize`, where);
        const st = pair(s.strides, 1, `layers[${i}].strides`, where);
        const padding = s.padding ?? 'valid';
        total += k[0] * k[1] * last * s.filters + (s.useBias === false ? 0 : s.filters);
        if (s.type === 'conv2d') {
          const dl = pair(s.dilations, 1, `layers[${i}].dilations`, where);
          shape = [convLength(shape[0]!, k[0], st[0], dl[0], padding), convLength(shape[1]!, k[1], st[1], dl[1], padding), s.filters];
        } else {
          const len = (n: number, kk: number, ss: number) => (padding === 'same' ? n * ss : n * ss + Math.max(kk - ss, 0));
          shape = [len(shape[0]!, k[0], st[0]), len(shape[1]!, k[1], st[1]), s.filters];
        }
        break;
      }
      case 'batchNorm':
        total += 4 * last;
        break;
      case 'maxPool':
      case 'avgPool': {
        if (shape.length !== 3) throw bad(where, `layers[${i}] (${s.type}) needs [H, W, C] rows, got [${shape.join(', ')}]`);
        const p = pair(s.poolSize, 2, `layers[${i}].poolSize`, where);
        const st = s.strides === undefined ? p : pair(s.strides, 1, `layers[${i}].strides`, where);
        shape = [convLength(shape[0]!, p[0], st[0], 1, s.padding ?? 'valid'), convLength(shape[1]!, p[1], st[1], 1, s.padding ?? 'valid'), last];
        break;
      }
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'reshape': {
        const target = s.shape;
        const size = shape.reduce((a, b) => a * b, 1);
        if (!Array.isArray(target) || target.length === 0 || !target.every((d) => d === -1 || isDim(d))) {
          throw bad(where, `layers[${i}].shape must be an array of integers >= 1 (or one -1), got ${describe(target)}`);
        }
        const known = (target as number[]).filter((d) => d !== -1).reduce((a, b) => a * b, 1);
        shape = (target as number[]).map((d) => (d === -1 ? size / known : d));
        break;
      }
      case 'activation':
      case 'dropout':
        break;
      default:
        throw bad(where, `layers[${i}].type ${describe(s.type)} is not a layer type this package builds`);
    }
    if (!shape.every((d) => isDim(d))) throw bad(where, `layers[${i}] would output rows of shape [${shape.join(', ')}]`);
    if (!Number.isSafeInteger(total)) throw bad(where, `the layers describe more parameters than can be counted`);
  }
  return total;
}
