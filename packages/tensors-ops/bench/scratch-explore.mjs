import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '../src/vendor/register-gradients.js';
tf.env().set('PROD', true);
await tf.setBackend('wasm');
console.log('simd', await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
function time(name, flops, fn, reps = 10) {
  for (let i = 0; i < 2; i++) tf.tidy(() => { const r = fn(); (Array.isArray(r)? r[0]: r).dataSync(); });
  const ts = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); tf.tidy(() => { const r = fn(); (Array.isArray(r)? r[0]: r).dataSync(); }); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b); const med = ts[Math.floor(ts.length / 2)];
  console.log(name.padEnd(40), med.toFixed(2), 'ms', flops ? (flops / med / 1e6).toFixed(2) + ' GFLOP/s' : '');
}
const a = tf.randomNormal([256, 512]), b = tf.randomNormal([512, 256]);
const fl = 2 * 256 * 512 * 256;
time('matMul', fl, () => tf.matMul(a, b));
const aT = tf.randomNormal([512, 256]);
time('matMul tA', fl, () => tf.matMul(aT, b, true, false));
const bT = tf.randomNormal([256, 512]);
time('matMul tB', fl, () => tf.matMul(a, bT, false, true));
time('transpose 512x256', 0, () => tf.transpose(aT));
time('matMul tA explicit', fl, () => tf.matMul(tf.transpose(aT), b));
const a3 = tf.randomNormal([8, 128, 256]), b3 = tf.randomNormal([8, 256, 128]);
time('batched 8x128x256x128', 2*8*128*256*128, () => tf.matMul(a3, b3));
time('batched loop', 2*8*128*256*128, () => tf.stack(tf.unstack(a3).map((x, i) => tf.matMul(x, tf.unstack(b3)[i]))));
const x = tf.randomNormal([64, 28, 28, 32]), f = tf.randomNormal([3, 3, 32, 64]);
const cf = 2 * 64 * 28 * 28 * 9 * 32 * 64;
time('conv2d 64x28x28x32 3x3x64 s1', cf, () => tf.conv2d(x, f, 1, 'same'));
const dy = tf.randomNormal([64, 28, 28, 64]);
time('conv2dBackpropInput (orig) s1', cf, () => tf.conv2dTranspose(dy, f, [64, 28, 28, 32], 1, 'same'));
