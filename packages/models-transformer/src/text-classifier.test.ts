import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { WordTokenizer, namesTokenizer } from '@glassbox/datasets';
import { TextClassifier, createTextClassifier } from './text-classifier.js';
import { GPT } from './gpt.js';
import { train } from './train.js';

const tmpRoot = fileURLToPath(new URL('../tmp/', import.meta.url));

// A small labelled corpus: spam talks about money and offers, ham about meetings and code.
const SPAM = ['win cash now', 'free money offer', 'cheap meds offer now', 'claim your free prize', 'cash prize waiting click now', 'free offer click here'];
const HAM = ['meeting at noon', 'the code review is done', 'see you at the meeting', 'lunch tomorrow at noon', 'please review my code', 'notes from the review'];
const DATA = [...SPAM.map((text) => ({ text, label: 1 })), ...HAM.map((text) => ({ text, label: 0 }))];
const tokenizer = WordTokenizer.fromTexts(DATA.map((d) => d.text), { minCount: 1 });

function tiny(seed = 1, context = 8): TextClassifier {
  return createTextClassifier({ tokenizer, dim: 16, layers: 2, heads: 2, context, dropout: 0, seed });
}

function ids2d(rows: number[][]): Tensor {
  return tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');
}

describeBackends('TextClassifier', (backend) => {
  let clf: TextClassifier;
  beforeAll(() => {
    clf = tiny();
  });
  afterAll(() => clf.dispose());

  it('encode puts [CLS] first, maps unknown words to [UNK], truncates to the context; decode gives the words back', () => {
    const { ids, tokens } = clf.encode('Free CASH, now!');
    expect(ids[0]).toBe(tokenizer.clsId);
    expect(tokens).toEqual(['[CLS]', 'free', 'cash', ',', 'now', '!']);
    expect(Array.from(ids.subarray(1))).toEqual([tokenizer.idOf('free'), tokenizer.idOf('cash'), tokenizer.unknownId, tokenizer.idOf('now'), tokenizer.unknownId]);
    expect(clf.decode(ids)).toBe('free cash [UNK] now [UNK]');
    const long = clf.encode('one two three four five six seven eight nine ten');
    expect(long.ids.length).toBe(8);
    expect(long.tokens).toEqual(['[CLS]', 'one', 'two', 'three', 'four', 'five', 'six', 'seven']);
  });

  it('predict gives [N, 2] logits that do not depend on padding; embed / forwardFromEmbeddings reproduce it; nothing leaks', async () => {
    await expectNoLeaks(() => {
      const a = Array.from(clf.encode('win cash now').ids);
      const b = Array.from(clf.encode('see you at the meeting').ids);
      expect([a.length, b.length]).toEqual([4, 6]);
      const padded = ids2d([[...a, 0, 0], b]);
      const alone = ids2d([a]);
      const p = clf.predict(padded);
      expect(p.shape).toEqual([2, 2]);
      const q = clf.predict(alone);
      const first = tf.slice(p, [0, 0], [1, 2]);
      expectTensorClose(first, q, 1e-5);
      const e = clf.embed(padded);
      expect(e.shape).toEqual([2, 6, 16]);
      const mask = tf.tidy(() => tf.notEqual(padded, tf.scalar(0, 'int32')));
      const viaE = clf.forwardFromEmbeddings(e, { paddingMask: mask });
      expectTensorClose(viaE, p, 1e-5);
      const eAlone = clf.embed(alone);
      const viaEAlone = clf.forwardFromEmbeddings(eAlone);
      expectTensorClose(viaEAlone, q, 1e-5);
      tf.dispose([padded, alone, p, q, first, e, mask, viaE, eAlone, viaEAlone]);
    });
  });

  it('attention: one [N, H, T, T] per layer, rows sum to 1, padded keys get probability 0', async () => {
    await expectNoLeaks(() => {
      const a = Array.from(clf.encode('free money').ids);
      const ids = ids2d([[...a, 0, 0]]);
      const maps = clf.attention(ids);
      expect(maps.length).toBe(2);
      for (const m of maps) {
        expect(m.shape).toEqual([1, 2, 5, 5]);
        for (const row of (m.arraySync() as number[][][][]).flat(2)) {
          expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
          expect(row[3]).toBe(0);
          expect(row[4]).toBe(0);
        }
      }
      tf.dispose([ids, ...maps]);
    });
  });

  it('forwardFromEmbeddings is differentiable: its gradient matches central differences', async () => {
    await expectNoLeaks(() => {
      const ids = ids2d([Array.from(clf.encode('claim your free prize').ids)]);
      const e = clf.embed(ids);
      const f = (x: Tensor) => tf.sum(tf.mul(clf.forwardFromEmbeddings(x), tf.tensor1d([1, -2])));
      const g = tf.grad(f)(e);
      const ev = e.dataSync();
      const gv = g.dataSync();
      const h = 1e-2;
      for (const i of [0, 5, 17, 33, 70]) {
        const plus = Float32Array.from(ev);
        const minus = Float32Array.from(ev);
        plus[i]! += h;
        minus[i]! -= h;
        const fd = tf.tidy(() => (f(tf.tensor(plus, e.shape)).dataSync()[0]! - f(tf.tensor(minus, e.shape)).dataSync()[0]!) / (2 * h));
        expect(Math.abs(fd - gv[i]!)).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(fd)));
      }
      tf.dispose([ids, e, g]);
    });
  });

  it('evaluate counts correct argmax predictions (checked against predict row by row)', async () => {
    const r = await expectNoLeaks(() => clf.evaluate(DATA, { batchSize: 5 }));
    let correct = 0;
    let nll = 0;
    for (const d of DATA) {
      const ids = ids2d([Array.from(clf.encode(d.text).ids)]);
      const z = clf.predict(ids);
      const [h, s] = Array.from(z.dataSync());
      if ((s! > h! ? 1 : 0) === d.label) correct++;
      const m = Math.max(h!, s!);
      nll -= [h!, s!][d.label]! - m - Math.log(Math.exp(h! - m) + Math.exp(s! - m));
      tf.dispose([ids, z]);
    }
    expect(r.rows).toBe(DATA.length);
    expect(r.accuracy).toBeCloseTo(correct / DATA.length, 10);
    expect(r.loss).toBeCloseTo(nll / DATA.length, 4);
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(DATA.length);
    expect(r.confusion[0]![0]! + r.confusion[1]![1]!).toBe(correct);
  });

  it('save / load round trip gives the same logits; saveToDir / loadFromDir too', async () => {
    const before = tf.memory().numTensors;
    const copy = TextClassifier.load(await clf.save());
    expect(copy.labels).toEqual(['ham', 'spam']);
    expect(copy.tokenizer.tokens).toEqual(tokenizer.tokens);
    mkdirSync(tmpRoot, { recursive: true });
    const dir = mkdtempSync(join(tmpRoot, `clf-${backend}-`));
    try {
      await clf.saveToDir(dir);
      const fromDir = await TextClassifier.loadFromDir(dir);
      const ids = ids2d([Array.from(clf.encode('free cash').ids)]);
      const [a, b, c] = [clf, copy, fromDir].map((m) => m.predict(ids));
      expectTensorClose(b!, a!, 0);
      expectTensorClose(c!, a!, 0);
      tf.dispose([ids, a!, b!, c!]);
      fromDir.dispose();
      await expectGlassboxError(() => GPT.loadFromDir(dir), 'BAD_WEIGHTS', /gpt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad input with a GlassboxError naming the argument, leaking nothing', async () => {
    const float = tf.tensor2d([[2, 5]]);
    const big = ids2d([[2, tokenizer.vocabSize]]);
    const long = ids2d([Array.from({ length: 9 }, () => 4)]);
    const ok = ids2d([[2, 5]]);
    const badMask = tf.tensor2d([[1, 1, 1]]);
    const e = clf.embed(ok);
    try {
      await expectGlassboxError(() => clf.encode(''), 'INVALID_ARGUMENT', /TextClassifier.encode: text must be a non-empty string/);
      await expectGlassboxError(() => clf.encode('  \n '), 'INVALID_ARGUMENT', /text must hold at least one word/);
      await expectGlassboxError(() => clf.encode(null as never), 'INVALID_ARGUMENT', /text must be a string/);
      await expectGlassboxError(() => clf.predict(float), 'INVALID_ARGUMENT', /TextClassifier.predict: ids must be an int32 tensor/);
      await expectGlassboxError(() => clf.predict(big), 'INVALID_ARGUMENT', /ids must hold token ids in 0\.\./);
      await expectGlassboxError(() => clf.predict(long), 'SHAPE_MISMATCH', /9 positions, more than the model's context of 8/);
      await expectGlassboxError(() => clf.embed(float), 'INVALID_ARGUMENT', /TextClassifier.embed: ids/);
      await expectGlassboxError(() => clf.attention(big), 'INVALID_ARGUMENT', /TextClassifier.attention: ids/);
      await expectGlassboxError(() => clf.forwardFromEmbeddings(ok), 'INVALID_ARGUMENT', /e must be a float32 tensor/);
      await expectGlassboxError(() => clf.forwardFromEmbeddings(e, { paddingMask: badMask }), 'SHAPE_MISMATCH', /paddingMask/);
      await expectGlassboxError(() => clf.evaluate([{ text: 'free', label: 2 }]), 'INVALID_ARGUMENT', /data\[0\].label must be an integer in 0..1/);
      await expectGlassboxError(() => clf.evaluate([{ text: '', label: 0 }]), 'INVALID_ARGUMENT', /data\[0\].text must be a non-empty string/);
      await expectGlassboxError(() => createTextClassifier({ tokenizer: WordTokenizer.fromTexts(['a b'], { minCount: 1, cls: false }) }), 'INVALID_ARGUMENT', /\[CLS\]/);
      await expectGlassboxError(async () => createTextClassifier({ tokenizer: (await namesTokenizer()) as never }), 'INVALID_ARGUMENT', /word tokenizer/);
      await expectGlassboxError(() => createTextClassifier({ tokenizer, labels: ['only'] }), 'INVALID_ARGUMENT', /options.labels/);
      await expectGlassboxError(() => createTextClassifier({ tokenizer, dropout: 1 }), 'INVALID_ARGUMENT', /options.dropout/);
    } finally {
      tf.dispose([float, big, long, ok, badMask, e]);
    }
  });

  it('train separates a small corpus, is reproducible with the same seed, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const [m1, m2] = [tiny(3), tiny(3)];
    try {
      const h = await train(m1, DATA, { epochs: 15, batchSize: 4, learningRate: 1e-2, seed: 2 });
      await train(m2, DATA, { epochs: 15, batchSize: 4, learningRate: 1e-2, seed: 2 });
      expect(h.epochs[h.epochs.length - 1]!.loss).toBeLessThan(h.epochs[0]!.loss);
      expect((await m1.evaluate(DATA)).accuracy).toBe(1);
      const ids = ids2d([Array.from(m1.encode('free cash prize').ids)]);
      const [a, b] = [m1.predict(ids), m2.predict(ids)];
      expectTensorClose(a, b, 0);
      tf.dispose([ids, a, b]);
      await expectGlassboxError(() => train(m1, [{ text: 'x', label: 5 }]), 'INVALID_ARGUMENT', /train: data\[0\].label/);
    } finally {
      m1.dispose();
      m2.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
