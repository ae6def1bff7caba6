/**
 * The pretrained models give the same numbers on the wasm and the cpu backend: logits, attention maps and the
 * gradient of the logits with respect to the embeddings (what gradient explainers take), within 1e-4.
 */
import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { initBackend, tf } from '@glassbox/tensors-ops';
import { loadPretrained } from '../src/pretrained.js';

/** Largest |a - b| / max(1, |b|). */
function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return w;
}

async function onBackend<T>(backend: 'cpu' | 'wasm', fn: () => Promise<T>): Promise<T> {
  await initBackend({ backend, fallback: false });
  const before = tf.memory().numTensors;
  const out = await fn();
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

it('names-gpt: logits, attention and d(logits)/d(embeddings) agree between wasm and cpu (1e-4)', async () => {
  const run = (backend: 'cpu' | 'wasm') =>
    onBackend(backend, async () => {
      const gpt = await loadPretrained('names-gpt');
      const rows = ['mar', 'johanna', 'li'].map((s) => Array.from(gpt.encode(s).ids));
      const t = Math.max(...rows.map((r) => r.length));
      const ids = tf.tensor2d(rows.map((r) => [...r, ...new Array(t - r.length).fill(0)]), [3, t], 'int32');
      const logits = gpt.logits(ids);
      const maps = gpt.attention(ids);
      const e = gpt.embed(ids);
      const w = tf.tidy(() => tf.sin(tf.reshape(tf.range(0, logits.size), logits.shape)));
      const g = tf.grad((x: Tensor) => tf.sum(tf.mul(gpt.forwardFromEmbeddings(x), w)))(e);
      const out = { logits: logits.dataSync().slice(), maps: maps.map((m) => m.dataSync().slice()), grad: g.dataSync().slice() };
      tf.dispose([ids, logits, ...maps, e, w, g]);
      gpt.dispose();
      return out;
    });
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  expect(worst(wasm.logits, cpu.logits)).toBeLessThanOrEqual(1e-4);
  wasm.maps.forEach((m, i) => expect(worst(m, cpu.maps[i]!)).toBeLessThanOrEqual(1e-4));
  expect(worst(wasm.grad, cpu.grad)).toBeLessThanOrEqual(1e-4);
});

it('spam-encoder: logits, attention and d(logits)/d(embeddings) agree between wasm and cpu (1e-4)', async () => {
  const texts = ['Subject: cheap meds online, order now and save 80%!', 'Hi Tom, the meeting moved to Thursday at 3pm. See you there.'];
  const run = (backend: 'cpu' | 'wasm') =>
    onBackend(backend, async () => {
      const clf = await loadPretrained('spam-encoder');
      const rows = texts.map((s) => Array.from(clf.encode(s).ids));
      const t = Math.max(...rows.map((r) => r.length));
      const ids = tf.tensor2d(rows.map((r) => [...r, ...new Array(t - r.length).fill(0)]), [2, t], 'int32');
      const logits = clf.predict(ids);
      const maps = clf.attention(ids);
      const e = clf.embed(ids);
      const mask = tf.tidy(() => tf.notEqual(ids, tf.scalar(0, 'int32')));
      const g = tf.grad((x: Tensor) => tf.sum(tf.mul(clf.forwardFromEmbeddings(x, { paddingMask: mask }), tf.tensor1d([-1, 1]))))(e);
      const out = { logits: logits.dataSync().slice(), maps: maps.map((m) => m.dataSync().slice()), grad: g.dataSync().slice() };
      tf.dispose([ids, logits, ...maps, e, mask, g]);
      clf.dispose();
      return out;
    });
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  expect(worst(wasm.logits, cpu.logits)).toBeLessThanOrEqual(1e-4);
  wasm.maps.forEach((m, i) => expect(worst(m, cpu.maps[i]!)).toBeLessThanOrEqual(1e-4));
  expect(worst(wasm.grad, cpu.grad)).toBeLessThanOrEqual(1e-4);
});
