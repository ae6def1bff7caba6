// A model builder for the pool's browser test, imported by the pool's workers (poolable): f(x) = flat(x) W.
// With args.gate (a SharedArrayBuffer of two int32; cross-origin isolated pages only), every model call adds 1
// to gate[1] and then waits until gate[0] is not 0: the page holds the workers inside a batch at a point it
// chooses (every worker busy, every queue full), acts, and lets them go, without timers.
export function build(args, { tf, weights }) {
  const gate = args && args.gate ? new Int32Array(args.gate) : null;
  const w = weights.w;
  return (x) => {
    if (gate !== null) {
      Atomics.add(gate, 1, 1);
      Atomics.notify(gate, 1);
      while (Atomics.load(gate, 0) === 0) Atomics.wait(gate, 0, 0, 1000);
    }
    return tf.matMul(tf.reshape(x, [x.shape[0], w.shape[0]]), w);
  };
}
