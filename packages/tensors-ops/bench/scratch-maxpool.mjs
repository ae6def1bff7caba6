import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '../src/vendor/register-gradients.js';
tf.env().set('PROD', true);
const H = +process.argv[2] || 5, k = +process.argv[3] || 2, s = +process.argv[4] || 2, pad = process.argv[5] || 'same';
const xs = Array.from({ length: H * H }, (_, i) => Math.sin(i * 1.7) );
async function run(b) {
  await tf.setBackend(b);
  const x = tf.tensor4d(xs, [1, H, H, 1]);
  const y = tf.maxPool(x, k, s, pad);
  const g = tf.grad((v) => tf.sum(tf.maxPool(v, k, s, pad)))(x);
  return [y.arraySync()[0].map(r => r.map(c => +c[0].toFixed(2))), g.arraySync()[0].map(r => r.map(c => c[0]))];
}
const c = await run('cpu'), w = await run('wasm');
console.log('fwd cpu', JSON.stringify(c[0])); console.log('fwd wsm', JSON.stringify(w[0]));
console.log('grad cpu', JSON.stringify(c[1])); console.log('grad wsm', JSON.stringify(w[1]));
