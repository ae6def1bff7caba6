import { tf, initBackend, sequential } from '@glassbox/tensors-ops';
const backend = process.argv[2] ?? 'wasm';
await initBackend({ backend });
const B = 64;
const x = tf.randomNormal([B,7,7,64]); const k1 = tf.randomNormal([5,5,32,64]);
const y = tf.randomNormal([B,14,14,32]); const k2 = tf.randomNormal([5,5,1,32]);
const img = tf.randomNormal([B,28,28,1]); const kd1 = tf.randomNormal([5,5,1,32]); const h1 = tf.randomNormal([B,14,14,32]); const kd2 = tf.randomNormal([5,5,32,64]);
const ops = {
  convT1: () => tf.conv2dTranspose(x, k1, [B,14,14,32], 2, 'same'),
  convT2: () => tf.conv2dTranspose(y, k2, [B,28,28,1], 2, 'same'),
  conv1: () => tf.conv2d(img, kd1, 2, 'same'),
  conv2: () => tf.conv2d(h1, kd2, 2, 'same'),
  gradConvT1: () => tf.grads((a, b) => tf.conv2dTranspose(a, b, [B,14,14,32], 2, 'same').sum())([x, k1]),
  gradConvT2: () => tf.grads((a, b) => tf.conv2dTranspose(a, b, [B,28,28,1], 2, 'same').sum())([y, k2]),
  gradConv1: () => tf.grads((a, b) => tf.conv2d(a, b, 2, 'same').sum())([img, kd1]),
  gradConv2: () => tf.grads((a, b) => tf.conv2d(a, b, 2, 'same').sum())([h1, kd2]),
};
for (const [name, f] of Object.entries(ops)) {
  tf.dispose(f());
  const t0 = performance.now(); for (let i = 0; i < 5; i++) { const r = f(); (Array.isArray(r) ? r : [r]).forEach(t => t.dataSync()); tf.dispose(r); }
  console.log(backend, name, ((performance.now() - t0) / 5).toFixed(1), 'ms');
}
