// A model builder for the pool's browser test, imported by the pool's workers (poolable): f(x) = flat(x) W.
// With args.dieOnCall = n, the n-th model call in a worker also throws an uncaught error (from a microtask, so
// that the worker's own error handling cannot catch it), which is how a Web Worker dies as far as the page can
// tell (browsers have no exit event for workers).
export function build(args, { tf, weights }) {
  const a = args ?? {};
  let calls = 0;
  const w = weights.w;
  return (x) => {
    calls++;
    if (a.dieOnCall !== undefined && calls === a.dieOnCall) {
      queueMicrotask(() => {
        throw new Error(`dying-model: uncaught error on call ${calls}, as asked`);
      });
    }
    return tf.matMul(tf.reshape(x, [x.shape[0], w.shape[0]]), w);
  };
}
