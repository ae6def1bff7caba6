import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
tf.env().set('PROD', true);
const run = (act, tA=false, tB=false, biasShape=[4], batch=1) => {
  const a = tf.tensor(Array.from({length: batch*3*5}, (_, i) => Math.sin(i) * 2), tA ? [batch,5,3] : [batch,3,5]);
  const b = tf.tensor(Array.from({length: batch*5*4}, (_, i) => Math.cos(i) * 2), tB ? [batch,4,5] : [batch,5,4]);
  const bias = biasShape ? tf.tensor(Array.from({length: biasShape.reduce((x,y)=>x*y,1)}, (_, i) => i * 0.1 - 0.2), biasShape) : undefined;
  const prelu = act === 'prelu' ? tf.tensor([0.1, 0.2, 0.3, 0.4]) : undefined;
  return tf.fused.matMul({ a, b, transposeA: tA, transposeB: tB, bias, activation: act, preluActivationWeights: prelu, leakyreluAlpha: 0.3 }).dataSync();
};
for (const cfg of [['linear'],['relu'],['relu6'],['elu'],['prelu'],['leakyrelu'],['sigmoid'],['relu', true, false],['sigmoid', false, true], ['relu', false, false, [3,4]], ['elu', false, false, [4], 2], ['prelu', false, false, [4], 2]]) {
  await tf.setBackend('cpu'); let c; try { c = run(...cfg); } catch (e) { c = e.message }
  await tf.setBackend('wasm'); let w; try { w = run(...cfg); } catch (e) { w = e.message }
  const d = typeof c === 'string' || typeof w === 'string' ? `${c} | ${w}` : Math.max(...c.map((v, i) => Math.abs(v - w[i])));
  console.log(JSON.stringify(cfg), d);
}
