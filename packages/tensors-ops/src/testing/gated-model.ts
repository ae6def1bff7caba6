/**
 * The builder behind `gatedModel` (./index.ts), imported by pool workers: f(x) = flat(x) W. When `args.gate` is
 * a SharedArrayBuffer of two int32, every call adds 1 to gate[1] (and wakes anyone waiting on it), then waits
 * until gate[0] is not 0. Nothing else: this module is data for a worker, not part of the library.
 */
import type { Tensor } from '@tensorflow/tfjs-core';

interface Ops {
  tf: { matMul(a: Tensor, b: Tensor): Tensor; reshape(x: Tensor, shape: number[]): Tensor };
  weights: Record<string, Tensor>;
}

export function build(args: { gate?: SharedArrayBuffer } | undefined, { tf, weights }: Ops): (x: Tensor) => Tensor {
  const gate = args?.gate !== undefined ? new Int32Array(args.gate) : null;
  const w = weights['w']!;
  return (x) => {
    if (gate !== null) {
      Atomics.add(gate, 1, 1);
      Atomics.notify(gate, 1);
      while (Atomics.load(gate, 0) === 0) Atomics.wait(gate, 0, 0, 1000);
    }
    return tf.matMul(tf.reshape(x, [x.shape[0]!, w.shape[0]!]), w);
  };
}
