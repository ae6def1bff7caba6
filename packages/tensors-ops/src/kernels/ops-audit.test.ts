/**
 * The audit table: every op that Glassbox's nn blocks and explainers use, forward and backward, on wasm
 * against cpu (atol 1e-4), each also checked to leave tensors and backend data as it found them. A row that
 * needs a kernel the WASM backend lacks fails here first.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { createRng } from '../rng.js';
import { computeOn, liveCount, maxAbsDiff, randomTensor } from '../testing-internal/parity-helpers.js';

type T = tf.Tensor;
type T4 = tf.Tensor4D;

interface AuditRow {
  name: string;
  /** Shapes of the float inputs (all differentiated). */
  shapes: number[][];
  fn: (...xs: T[]) => T;
  /** Value range of the random inputs (default [-1, 1)); per input when an array of ranges. */
  range?: [number, number] | Array<[number, number]>;
}

const IDX0 = [3, 0, 3, 5, 1];
const IDX1 = [2, 2, 0];

const ROWS: AuditRow[] = [
  { name: 'dense: matMul + bias add', shapes: [[6, 10], [10, 7], [7]], fn: (x, w, b) => tf.add(tf.matMul(x!, w!), b!) },
  { name: 'dense: matMul transposeA / transposeB', shapes: [[10, 6], [7, 10]], fn: (a, b) => tf.matMul(a!, b!, true, true) },
  { name: 'dense: batched matMul', shapes: [[3, 5, 6], [3, 6, 4]], fn: (a, b) => tf.matMul(a!, b!) },
  {
    name: 'dense: fused matMul (bias, relu)',
    shapes: [[6, 10], [10, 7], [7]],
    fn: (x, w, b) => tf.fused.matMul({ a: x!, b: w!, bias: b!, activation: 'relu' }),
  },
  { name: 'conv2d stride 1 same', shapes: [[2, 9, 9, 3], [3, 3, 3, 5]], fn: (x, f) => tf.conv2d(x as T4, f as T4, 1, 'same') },
  { name: 'conv2d stride 2 same', shapes: [[2, 9, 9, 3], [3, 3, 3, 5]], fn: (x, f) => tf.conv2d(x as T4, f as T4, 2, 'same') },
  { name: 'conv2d stride 1 valid', shapes: [[2, 9, 8, 3], [3, 2, 3, 5]], fn: (x, f) => tf.conv2d(x as T4, f as T4, 1, 'valid') },
  { name: 'conv2d stride 2 valid', shapes: [[2, 10, 9, 4], [4, 4, 4, 3]], fn: (x, f) => tf.conv2d(x as T4, f as T4, 2, 'valid') },
  {
    name: 'conv2dTranspose stride 1 same',
    shapes: [[2, 6, 6, 5], [3, 3, 4, 5]],
    fn: (x, f) => tf.conv2dTranspose(x as T4, f as T4, [2, 6, 6, 4], 1, 'same'),
  },
  {
    name: 'conv2dTranspose stride 2 same',
    shapes: [[2, 5, 5, 5], [4, 4, 3, 5]],
    fn: (x, f) => tf.conv2dTranspose(x as T4, f as T4, [2, 10, 10, 3], 2, 'same'),
  },
  {
    name: 'conv2dTranspose stride 2 valid',
    shapes: [[2, 4, 4, 5], [3, 3, 3, 5]],
    fn: (x, f) => tf.conv2dTranspose(x as T4, f as T4, [2, 9, 9, 3], 2, 'valid'),
  },
  {
    name: 'batchNorm (explicit mean, variance, offset, scale)',
    shapes: [[2, 4, 4, 3], [3], [3], [3], [3]],
    range: [[-1, 1], [-0.5, 0.5], [0.5, 1.5], [-1, 1], [0.5, 1.5]],
    fn: (x, mean, variance, offset, scale) => tf.batchNorm(x!, mean!, variance!, offset!, scale!, 1e-3),
  },
  {
    name: 'batchNorm with batch moments',
    shapes: [[4, 3, 3, 3], [3], [3]],
    range: [[-1, 1], [-1, 1], [0.5, 1.5]],
    fn: (x, offset, scale) => {
      const { mean, variance } = tf.moments(x!, [0, 1, 2]);
      return tf.batchNorm(x!, mean, variance, offset!, scale!, 1e-3);
    },
  },
  { name: 'maxPool 2x2 stride 2 same', shapes: [[2, 7, 7, 3]], fn: (x) => tf.maxPool(x as T4, 2, 2, 'same') },
  { name: 'maxPool 3x3 stride 1 valid', shapes: [[2, 6, 6, 3]], fn: (x) => tf.maxPool(x as T4, 3, 1, 'valid') },
  { name: 'maxPool 2x2 stride 2 valid, all-negative windows', shapes: [[2, 6, 6, 3]], range: [-2, -0.1], fn: (x) => tf.maxPool(x as T4, 2, 2, 'valid') },
  { name: 'maxPool 3x3 stride 2 same, mixed signs', shapes: [[2, 9, 9, 4]], fn: (x) => tf.maxPool(x as T4, 3, 2, 'same') },
  { name: 'maxPool after relu (all-zero windows)', shapes: [[2, 8, 8, 3]], range: [-1, 0.3], fn: (x) => tf.maxPool(tf.relu(x!) as T4, 2, 2, 'same') },
  { name: 'avgPool 2x2 stride 2 valid', shapes: [[2, 8, 8, 3]], fn: (x) => tf.avgPool(x as T4, 2, 2, 'valid') },
  { name: 'avgPool 3x3 stride 2 same', shapes: [[2, 7, 7, 3]], fn: (x) => tf.avgPool(x as T4, 3, 2, 'same') },
  { name: 'leakyRelu', shapes: [[4, 9]], fn: (x) => tf.leakyRelu(x!, 0.2) },
  { name: 'relu', shapes: [[4, 9]], fn: (x) => tf.relu(x!) },
  { name: 'sigmoid', shapes: [[4, 9]], fn: (x) => tf.sigmoid(x!), range: [-4, 4] },
  { name: 'tanh', shapes: [[4, 9]], fn: (x) => tf.tanh(x!), range: [-3, 3] },
  { name: 'softplus', shapes: [[4, 9]], fn: (x) => tf.softplus(x!), range: [-4, 4] },
  { name: 'elu', shapes: [[4, 9]], fn: (x) => tf.elu(x!), range: [-3, 3] },
  { name: 'reshape', shapes: [[2, 3, 4]], fn: (x) => tf.reshape(x!, [6, 4]) },
  { name: 'transpose', shapes: [[2, 3, 4, 5]], fn: (x) => tf.transpose(x!, [0, 3, 1, 2]) },
  { name: 'concat axis 1', shapes: [[2, 3], [2, 5]], fn: (a, b) => tf.concat([a!, b!], 1) },
  { name: 'concat axis 3 (channels)', shapes: [[2, 3, 3, 2], [2, 3, 3, 4]], fn: (a, b) => tf.concat([a!, b!], 3) },
  { name: 'slice', shapes: [[3, 6, 5, 2]], fn: (x) => tf.slice(x!, [1, 2, 0, 1], [2, 3, 4, 1]) },
  { name: 'pad', shapes: [[2, 4, 4, 3]], fn: (x) => tf.pad(x!, [[0, 0], [1, 2], [2, 1], [0, 0]]) },
  { name: 'softmax', shapes: [[5, 7]], fn: (x) => tf.softmax(x!), range: [-3, 3] },
  { name: 'logSoftmax', shapes: [[5, 7]], fn: (x) => tf.logSoftmax(x!), range: [-3, 3] },
  { name: 'sum', shapes: [[3, 4, 5]], fn: (x) => tf.sum(x!, [1, 2]) },
  { name: 'mean', shapes: [[3, 4, 5]], fn: (x) => tf.mean(x!, 1) },
  { name: 'max', shapes: [[3, 4, 5]], fn: (x) => tf.max(x!, 2) },
  { name: 'gather axis 0', shapes: [[6, 4]], fn: (x) => tf.gather(x!, tf.tensor1d(IDX0, 'int32'), 0) },
  { name: 'gather axis 1', shapes: [[2, 4, 3]], fn: (x) => tf.gather(x!, tf.tensor1d(IDX1, 'int32'), 1) },
  {
    name: 'depthwiseConv2d stride 1 same',
    shapes: [[2, 7, 7, 3], [3, 3, 3, 1]],
    fn: (x, f) => tf.depthwiseConv2d(x as T4, f as T4, 1, 'same'),
  },
  {
    name: 'depthwiseConv2d stride 2 valid, multiplier 2',
    shapes: [[2, 9, 9, 3], [3, 3, 3, 2]],
    fn: (x, f) => tf.depthwiseConv2d(x as T4, f as T4, 2, 'valid'),
  },
];

function rangeOf(row: AuditRow, i: number): [number, number] {
  if (row.range === undefined) return [-1, 1];
  return Array.isArray(row.range[0]) ? (row.range as Array<[number, number]>)[i]! : (row.range as [number, number]);
}

/** Forward value, then the gradient of Σ(out · dy) w.r.t. every input (dy seeded). */
function forwardAndBackward(row: AuditRow, seed: number): T[] {
  const rng = createRng(seed);
  const xs = row.shapes.map((s, i) => randomTensor(rng, s, ...rangeOf(row, i)));
  const y = row.fn(...xs);
  const dy = randomTensor(rng, y.shape);
  const grads = tf.grads((...args: T[]) => row.fn(...args))(xs, dy);
  return [y, ...grads];
}

describe('ops audit: forward and backward, wasm vs cpu', () => {
  for (const [i, row] of ROWS.entries()) {
    it(row.name, async () => {
      const seed = 1000 + i;
      const cpu = await computeOn('cpu', () => forwardAndBackward(row, seed));
      const wasm = await computeOn('wasm', () => forwardAndBackward(row, seed));
      expect(wasm.shapes).toEqual(cpu.shapes);
      for (let k = 0; k < cpu.values.length; k++) {
        const what = k === 0 ? 'forward' : `gradient w.r.t. input ${k - 1}`;
        expect(maxAbsDiff(wasm.values[k]!, cpu.values[k]!), what).toBeLessThanOrEqual(1e-4);
      }
      // No leaks on wasm (tensors, and data held by either backend).
      const before = liveCount();
      tf.dispose(tf.tidy(() => forwardAndBackward(row, seed)));
      expect(liveCount()).toEqual(before);
    });
  }

  it('every kernel these ops need exists on wasm', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    for (const name of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'UnsortedSegmentSum', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
      expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    }
  });
});
