/** Argument checks shared by the latent-space tools (latentTraversal, latentSensitivity). */
import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, assertFinite, assertFloatTensor, describe, formatShape } from '@glassbox/tensors-ops';

/** Checks latent codes: a float32 [N, D] tensor of finite values (N = 1 when `single`). Returns [N, D]. */
export function checkCodes(z: unknown, name: string, where: string, single: boolean): [number, number] {
  assertFloatTensor(z, name, where);
  if (z.rank !== 2 || z.shape[0]! < 1 || z.shape[1]! < 1 || (single && z.shape[0] !== 1)) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${name} must be ${single ? 'one latent code of shape [1, D]' : 'latent codes of shape [N, D]'}, got shape ${formatShape(z.shape)}`,
    );
  }
  assertFinite(z as Tensor, name, where);
  return [z.shape[0]!, z.shape[1]!];
}

/** Checks a list of latent dimensions (integers in 0..d-1, at least one). */
export function checkDims(dims: unknown, d: number, where: string): number[] {
  if (!Array.isArray(dims) || dims.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.dims must be a non-empty array of latent dimensions in 0..${d - 1}, got ${describe(dims)}`);
  }
  dims.forEach((v, k) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= d) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.dims[${k}] must be an integer in 0..${d - 1} (the code has ${d} dimensions), got ${describe(v)}`);
    }
  });
  return dims as number[];
}
