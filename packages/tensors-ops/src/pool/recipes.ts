/**
 * Building the model rows of a job from its recipe (in a worker, or on the main thread for checks). The
 * tensors a recipe needs (x, the baseline) are uploaded once per job and reused by every batch; the rows of
 * the perturbation recipes are filled into one scratch buffer that is reused too.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { fillAblated, fillCoalition, pathPoints } from '../contract/model-rows.js';
import type { RowRecipe } from './types.js';

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Checks a recipe's arrays against each other (a malformed recipe is a programming error of the caller). */
export function checkRecipe(recipe: RowRecipe, where: string): void {
  const bad = (what: string): never => {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: malformed row recipe '${describe(recipe?.kind)}': ${what}`);
  };
  if (recipe == null || typeof recipe !== 'object' || !Array.isArray(recipe.rowShape)) bad('expected an object with rowShape');
  const rowSize = sizeOf(recipe.rowShape);
  if (!(rowSize >= 1)) bad('rowShape must have positive dimensions');
  switch (recipe.kind) {
    case 'rows':
      if (!(recipe.data instanceof Float32Array) || recipe.data.length % rowSize !== 0) bad('data must be a Float32Array of whole rows');
      break;
    case 'path':
    case 'windows':
    case 'coalitions':
      if (!(recipe.x instanceof Float32Array) || recipe.x.length % rowSize !== 0) bad('x must be a Float32Array of whole rows');
      if (!(recipe.baseline instanceof Float32Array) || recipe.baseline.length !== recipe.x.length) bad('baseline must be a Float32Array like x');
      if (recipe.kind === 'path' && !(recipe.alphas instanceof Float64Array)) bad('alphas must be a Float64Array');
      if (recipe.kind === 'windows') {
        if (!(recipe.offsets instanceof Int32Array) || !(recipe.members instanceof Int32Array)) bad('offsets and members must be Int32Arrays');
        if (recipe.offsets[0] !== 0 || recipe.offsets[recipe.offsets.length - 1] !== recipe.members.length) bad('offsets must run from 0 to members.length');
      }
      if (recipe.kind === 'coalitions') {
        if (!(recipe.groups instanceof Int32Array) || recipe.groups.length !== rowSize) bad('groups must be an Int32Array with one group per element of a row');
        if (!(recipe.z instanceof Uint8Array) || !(recipe.m >= 1) || recipe.z.length % recipe.m !== 0) bad('z must be a Uint8Array of whole coalitions of m groups');
      }
      break;
    default:
      bad('unknown kind');
  }
}

/** A recipe made ready for batches: `build(start, end)` returns rows [start, end) (call inside tf.tidy). */
export interface PreparedRecipe {
  /** Row of x of virtual row j (its target row). */
  inputOf(j: number): number;
  build(start: number, end: number): Tensor;
  dispose(): void;
}

/** Uploads what the recipe needs once; the caller disposes the result. */
export function prepareRecipe(recipe: RowRecipe, inputs: number): PreparedRecipe {
  const rowShape = recipe.rowShape;
  const rowSize = sizeOf(rowShape);
  switch (recipe.kind) {
    case 'rows': {
      const rows = recipe.data.length / rowSize;
      const all = tf.tensor(recipe.data, [rows, ...rowShape], 'float32');
      return {
        inputOf: (j) => j % inputs,
        build: (start, end) => tf.slice(all, start, end - start),
        dispose: () => all.dispose(),
      };
    }
    case 'path': {
      // The same rows as the main thread's integrated gradients (explainers-gradient's path-integral.ts).
      const n = recipe.x.length / rowSize;
      const x = tf.tensor(recipe.x, [n, ...rowShape], 'float32');
      const b = tf.tensor(recipe.baseline, [n, ...rowShape], 'float32');
      const steps = recipe.alphas.length;
      return {
        inputOf: (j) => Math.floor(j / steps),
        build: (start, end) => pathPoints(x, b, recipe.alphas, start, end),
        dispose: () => tf.dispose([x, b]),
      };
    }
    case 'windows': {
      const per = recipe.offsets.length;
      let scratch = new Float32Array(0);
      const inputOf = (r: number): number => Math.floor(r / per);
      return {
        inputOf,
        build: (start, end) => {
          const need = (end - start) * rowSize;
          if (scratch.length < need) scratch = new Float32Array(need);
          const out = scratch.subarray(0, need);
          for (let r = start; r < end; r++) {
            fillAblated(out, (r - start) * rowSize, recipe.x, recipe.baseline, inputOf(r) * rowSize, rowSize, recipe.offsets, recipe.members, (r % per) - 1);
          }
          // tf.tensor copies the values, so the scratch buffer can be refilled by the next batch.
          return tf.tensor(out, [end - start, ...rowShape], 'float32');
        },
        dispose: () => {
          scratch = new Float32Array(0);
        },
      };
    }
    case 'coalitions': {
      const m = recipe.m;
      const per = recipe.z.length / m;
      let scratch = new Float32Array(0);
      const inputOf = (r: number): number => Math.floor(r / per);
      return {
        inputOf,
        build: (start, end) => {
          const need = (end - start) * rowSize;
          if (scratch.length < need) scratch = new Float32Array(need);
          const out = scratch.subarray(0, need);
          for (let r = start; r < end; r++) {
            const k = r % per;
            fillCoalition(out, (r - start) * rowSize, recipe.x, recipe.baseline, inputOf(r) * rowSize, recipe.groups, recipe.z.subarray(k * m, (k + 1) * m));
          }
          return tf.tensor(out, [end - start, ...rowShape], 'float32');
        },
        dispose: () => {
          scratch = new Float32Array(0);
        },
      };
    }
  }
}
