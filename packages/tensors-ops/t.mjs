import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import './grads.tmp.mjs';
tf.enableProdMode();
console.log(Object.keys(wasm));
const ok = await tf.setBackend('wasm'); console.log('ok', ok, tf.getBackend());
console.log(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
const ks = tf.getKernelsForBackend('wasm').map(k=>k.kernelName).sort(); console.log(ks.length, ks.join(' '));
