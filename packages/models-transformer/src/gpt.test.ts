import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ResidualModel, tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { CharTokenizer, WordTokenizer, loadNames, namesTokenizer } from '@glassbox/datasets';
import { GPT, createGPT, sample } from './gpt.js';
import { TextClassifier } from './text-classifier.js';
import { train } from './train.js';

const tmpRoot = fileURLToPath(new URL('../tmp/', import.meta.url));

let tokenizer: CharTokenizer;
let names: string[];

beforeAll(async () => {
  tokenizer = await namesTokenizer();
  names = await loadNames({ split: 'train', limit: 96 });
});

/** A tiny GPT (fast on both backends). */
function tiny(seed = 1, context = 16): GPT {
  return createGPT({ tokenizer, dim: 16, layers: 2, heads: 2, context, dropout: 0, seed });
}

function ids2d(rows: number[][]): Tensor {
  return tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');
}

/** log softmax of a plain vector, float64. */
function logSoftmax(z: ArrayLike<number>): number[] {
  const m = Math.max(...Array.from(z));
  const s = Array.from(z).reduce((a, v) => a + Math.exp(v - m), 0);
  return Array.from(z, (v) => v - m - Math.log(s));
}

describeBackends('GPT', (backend) => {
  let gpt: GPT;
  beforeAll(() => {
    gpt = tiny();
  });
  afterAll(() => gpt.dispose());

  it('encode gives [START] and the characters ([END] on request), decode inverts it', () => {
    const { ids, tokens } = gpt.encode('anna');
    const [a, n] = [tokenizer.idOf('a')!, tokenizer.idOf('n')!];
    expect(Array.from(ids)).toEqual([1, a, n, n, a]);
    expect(tokens).toEqual(['[START]', 'a', 'n', 'n', 'a']);
    const withEnd = gpt.encode('anna', { end: true });
    expect(Array.from(withEnd.ids)).toEqual([1, a, n, n, a, 2]);
    expect(withEnd.tokens[5]).toBe('[END]');
    expect(gpt.decode(withEnd.ids)).toBe('anna');
    expect(gpt.decode([1, a, 2, n])).toBe('a');
    const t = tf.tensor1d(ids, 'int32');
    expect(gpt.decode(t)).toBe('anna');
    t.dispose();
    expect(Array.from(gpt.encode('').ids)).toEqual([1]);
  });

  it('logits [N, T, V], nextToken = the last position, embed [N, T, D], forwardFromEmbeddings(embed(ids)) = logits(ids); nothing leaks', async () => {
    await expectNoLeaks(() => {
      const ids = ids2d([
        [1, 5, 6, 7, 8],
        [1, 9, 10, 0, 0],
      ]);
      const logits = gpt.logits(ids);
      expect(logits.shape).toEqual([2, 5, tokenizer.vocabSize]);
      const next = gpt.nextToken(ids);
      expect(next.shape).toEqual([2, tokenizer.vocabSize]);
      const last = tf.tidy(() => tf.reshape(tf.slice(logits, [0, 4, 0], [2, 1, tokenizer.vocabSize]), [2, tokenizer.vocabSize]));
      expectTensorClose(next, last, 0);
      const e = gpt.embed(ids);
      expect(e.shape).toEqual([2, 5, 16]);
      const again = gpt.forwardFromEmbeddings(e);
      expectTensorClose(again, logits, 1e-6);
      tf.dispose([ids, logits, next, last, e, again]);
    });
  });

  it('toPooledTokenModel: the network as data and the block where embed ends; rebuilt, its split computes embed and forwardFromEmbeddings', async () => {
    await expectNoLeaks(async () => {
      const d = gpt.toPooledTokenModel();
      expect(d.split).toBe('positions');
      expect(d.network.kind).toBe('residual');
      expect(d.network.part).toBeUndefined();
      // Reused while the weights are unchanged (the pool caches the model by its description).
      expect(gpt.toPooledTokenModel().network).toBe(d.network);
      // Rebuilt from the description alone, as a pool worker does.
      const copy = ResidualModel.fromJSON(d.network.json);
      const w: Record<string, Tensor> = {};
      for (const v of d.network.weights) w[v.name] = tf.tensor(v.data, v.shape, 'float32');
      copy.setWeights(w);
      tf.dispose(w);
      const { features, head } = copy.split(d.split);
      const x = ids2d([Array.from(gpt.encode('mari').ids), Array.from(gpt.encode('joha').ids)]);
      const [e1, e2] = [gpt.embed(x), features(x)];
      expect(Array.from(e2.dataSync())).toEqual(Array.from(e1.dataSync()));
      const [y1, y2] = [gpt.forwardFromEmbeddings(e1), head(e1)];
      expect(Array.from(y2.dataSync())).toEqual(Array.from(y1.dataSync()));
      tf.dispose([x, e1, e2, y1, y2]);
      copy.dispose();
    });
    const gone = tiny(2);
    gone.dispose();
    await expectGlassboxError(() => gone.toPooledTokenModel(), 'INVALID_ARGUMENT', /disposed/);
  });

  it('embed is the token row plus the position row (definition)', async () => {
    await expectNoLeaks(() => {
      const ids = ids2d([[1, 7, 7]]);
      const embedded = gpt.embed(ids);
      const e = embedded.arraySync() as number[][][];
      embedded.dispose();
      const tokens = gpt.network.params.get('tokens/table')!.arraySync() as number[][];
      const positions = gpt.network.params.get('positions/table')!.arraySync() as number[][];
      [1, 7, 7].forEach((id, t) => e[0]![t]!.forEach((v, d) => expect(v).toBeCloseTo(tokens[id]![d]! + positions[t]![d]!, 6)));
      ids.dispose();
    });
  });

  it('is causal: changing a later id leaves the logits of earlier positions unchanged', async () => {
    await expectNoLeaks(() => {
      const a = ids2d([[1, 5, 6, 7, 8, 9]]);
      const b = ids2d([[1, 5, 6, 20, 21, 22]]);
      const [la, lb] = [gpt.logits(a), gpt.logits(b)];
      const head = (t: Tensor) => tf.slice(t, [0, 0, 0], [1, 3, tokenizer.vocabSize]);
      const [ha, hb] = [head(la), head(lb)];
      expectTensorClose(ha, hb, 1e-6);
      // ... and later positions do change.
      const tail = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(la, [0, 3, 0], [1, 3, -1]), tf.slice(lb, [0, 3, 0], [1, 3, -1])))).dataSync()[0]!);
      expect(tail).toBeGreaterThan(1e-4);
      tf.dispose([a, b, la, lb, ha, hb]);
    });
  });

  it('attention: one [N, H, T, T] per layer, rows sum to 1, zero above the diagonal', async () => {
    await expectNoLeaks(() => {
      const ids = ids2d([
        [1, 5, 6, 7],
        [1, 8, 9, 10],
      ]);
      const maps = gpt.attention(ids);
      expect(gpt.layers).toEqual(['h0', 'h1']);
      expect(maps.length).toBe(2);
      for (const m of maps) {
        expect(m.shape).toEqual([2, 2, 4, 4]);
        const p = m.arraySync() as number[][][][];
        for (const row of p.flat(2)) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        for (const head of p.flat(1)) head.forEach((row, i) => row.forEach((v, j) => (j > i ? expect(v).toBe(0) : expect(v).toBeGreaterThan(0))));
      }
      tf.dispose([ids, ...maps]);
    });
  });

  it('forwardFromEmbeddings is differentiable: its gradient matches central differences', async () => {
    await expectNoLeaks(() => {
      const ids = ids2d([[1, 5, 6, 7]]);
      const e = gpt.embed(ids);
      const w = tf.tensor(Array.from({ length: 4 * tokenizer.vocabSize }, (_, i) => Math.sin(i)), [1, 4, tokenizer.vocabSize]);
      const f = (x: Tensor) => tf.sum(tf.mul(gpt.forwardFromEmbeddings(x), w));
      const g = tf.grad(f)(e);
      expect(g.shape).toEqual(e.shape);
      const ev = e.dataSync();
      const gv = g.dataSync();
      const h = 1e-2;
      for (const i of [0, 7, 21, 40, 63]) {
        const plus = Float32Array.from(ev);
        const minus = Float32Array.from(ev);
        plus[i]! += h;
        minus[i]! -= h;
        const fd = tf.tidy(() => (f(tf.tensor(plus, e.shape)).dataSync()[0]! - f(tf.tensor(minus, e.shape)).dataSync()[0]!) / (2 * h));
        expect(Math.abs(fd - gv[i]!)).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(fd)));
      }
      tf.dispose([ids, e, w, g]);
    });
  });

  it('generate: same seed same text, ids from [START] to [END], never a special id inside; greedy (topK 1) follows argmax of nextToken', async () => {
    await expectNoLeaks(() => {
      const a = gpt.generate('an', { seed: 7 });
      const b = gpt.generate('an', { seed: 7 });
      expect(a).toEqual(b);
      expect(a.text.startsWith('an')).toBe(true);
      expect(a.ids[0]).toBe(1);
      expect(gpt.decode(a.ids)).toBe(a.text);
      const texts = new Set<string>();
      for (let seed = 0; seed < 12; seed++) {
        const g = gpt.generate('', { seed, maxTokens: 6 });
        texts.add(g.text);
        const inner = Array.from(g.ids.subarray(1));
        if (inner[inner.length - 1] === 2) inner.pop();
        expect(inner.every((id) => id > 3)).toBe(true);
        expect(inner.length).toBeLessThanOrEqual(6);
        expect(g.ids.length).toBeLessThanOrEqual(16 + 1);
      }
      expect(texts.size).toBeGreaterThan(1);
      // Greedy decoding, checked against argmax of nextToken step by step.
      const greedy = gpt.generate('', { topK: 1, seed: 3 });
      const other = gpt.generate('', { topK: 1, seed: 99 });
      expect(greedy).toEqual(other);
      for (let t = 1; t < greedy.ids.length; t++) {
        const prefix = tf.tensor2d(greedy.ids.subarray(0, t), [1, t], 'int32');
        const z = gpt.nextToken(prefix);
        const v = Array.from(z.dataSync());
        const allowed = v.map((x, i) => (i === 0 || i === 1 || i === 3 || (t === 1 && i === 2) ? -Infinity : x));
        expect(greedy.ids[t]).toBe(allowed.indexOf(Math.max(...allowed)));
        tf.dispose([prefix, z]);
      }
      // A text that fills the context stops without [END]: at most context - 1 characters.
      const short = createGPT({ tokenizer, dim: 8, layers: 1, heads: 1, context: 8, seed: 4 });
      for (let seed = 0; seed < 5; seed++) {
        const long = short.generate('abcdef', { seed, maxTokens: 50 });
        expect(long.ids.length).toBeLessThanOrEqual(8 + 1);
        if (long.ids[long.ids.length - 1] !== 2) expect(long.ids.length).toBe(8);
      }
      short.dispose();
    });
  });

  it('generate never returns an empty text, even when [END] is by far the likeliest first token', async () => {
    const m = tiny(6);
    const bias = m.network.params.get('logits/bias')!;
    const shifted = tf.tidy(() => tf.add(bias, tf.mul(tf.reshape(tf.oneHot(tf.tensor1d([2], 'int32'), tokenizer.vocabSize), [tokenizer.vocabSize]), 50)));
    m.network.setWeights({ 'logits/bias': shifted }, { allowPartial: true });
    shifted.dispose();
    for (let seed = 0; seed < 10; seed++) {
      const g = m.generate('', { seed });
      // [START], one character, then [END] (which has almost all the probability after it).
      expect(g.text.length).toBe(1);
      expect(Array.from(g.ids.subarray(2))).toEqual([2]);
    }
    // With a prompt, [END] may come first: 'ann' is a text.
    expect(m.generate('ann', { seed: 1 }).text).toBe('ann');
    m.dispose();
  });

  it('evaluate equals the negative log-likelihood summed from nextToken prefix by prefix (brute force)', async () => {
    const list = ['ann', 'bob', 'eve-lyn'];
    const r = await expectNoLeaks(() => gpt.evaluate(list, { batchSize: 2 }));
    let sum = 0;
    let count = 0;
    for (const name of list) {
      const full = gpt.encode(name, { end: true }).ids;
      for (let t = 1; t < full.length; t++) {
        const prefix = tf.tensor2d(full.subarray(0, t), [1, t], 'int32');
        const z = gpt.nextToken(prefix);
        sum -= logSoftmax(z.dataSync())[full[t]!]!;
        count++;
        tf.dispose([prefix, z]);
      }
    }
    expect(r.tokens).toBe(count);
    expect(r.names).toBe(3);
    expect(r.nllPerChar).toBeCloseTo(sum / count, 4);
    const one = await gpt.evaluate(list, { batchSize: 1 });
    expect(one.nllPerChar).toBeCloseTo(r.nllPerChar, 5);
    const split = await gpt.evaluate('test', { limit: 5 });
    expect(split.names).toBe(5);
  });

  it('save / load round trip gives the same logits; saveToDir / loadFromDir too', async () => {
    const before = tf.memory().numTensors;
    const artifacts = await gpt.save();
    const copy = GPT.load(artifacts);
    expect(copy.options).toEqual(gpt.options);
    expect(copy.tokenizer.tokens).toEqual(tokenizer.tokens);
    mkdirSync(tmpRoot, { recursive: true });
    const dir = mkdtempSync(join(tmpRoot, `gpt-${backend}-`));
    try {
      await gpt.saveToDir(dir);
      const fromDir = await GPT.loadFromDir(dir);
      const ids = ids2d([[1, 5, 6, 7]]);
      const [a, b, c] = [gpt, copy, fromDir].map((m) => m.logits(ids));
      expectTensorClose(b!, a!, 0);
      expectTensorClose(c!, a!, 0);
      tf.dispose([ids, a!, b!, c!]);
      fromDir.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('load refuses bad files with BAD_WEIGHTS: short weights, another kind, a network that does not match its options', async () => {
    const artifacts = await gpt.save();
    await expectGlassboxError(() => GPT.load({ modelJSON: artifacts.modelJSON, weightData: artifacts.weightData.slice(0, 100) }), 'BAD_WEIGHTS');
    await expectGlassboxError(() => TextClassifier.load(artifacts), 'BAD_WEIGHTS', /text-classifier/);
    const json = JSON.parse(JSON.stringify(artifacts.modelJSON)) as { modelTopology: { options: { layers: number }; network: { blocks: { heads?: number }[] } } };
    json.modelTopology.network.blocks[3]!.heads = 4;
    await expectGlassboxError(() => GPT.load({ modelJSON: json, weightData: artifacts.weightData }), 'BAD_WEIGHTS', /does not match/);
    const json2 = JSON.parse(JSON.stringify(artifacts.modelJSON)) as { modelTopology: { tokenizer: unknown } };
    json2.modelTopology.tokenizer = { kind: 'char', version: 1, tokens: ['x'] };
    await expectGlassboxError(() => GPT.load({ modelJSON: json2, weightData: artifacts.weightData }), 'BAD_WEIGHTS', /tokenizer/);
    const bad = new Float32Array(artifacts.weightData.slice(0));
    bad[3] = Number.NaN;
    // Without the content hash, which would refuse the edited bytes before the finiteness check.
    const unhashed = JSON.parse(JSON.stringify(artifacts.modelJSON)) as { weightsManifest: { sha256?: string }[] };
    for (const g of unhashed.weightsManifest) delete g.sha256;
    await expectGlassboxError(() => GPT.load({ modelJSON: unhashed as never, weightData: bad.buffer }), 'BAD_WEIGHTS', /finite/);
    await expectGlassboxError(() => GPT.loadFromDir(join(tmpRoot, 'none')), 'BAD_WEIGHTS', /could not read/);
  });

  it('refuses bad input with a GlassboxError naming the argument, leaking nothing', async () => {
    const ok = ids2d([[1, 5]]);
    const float = tf.tensor2d([[1, 5]]);
    const big = ids2d([[1, 40]]);
    const neg = ids2d([[1, -1]]);
    const long = ids2d([Array.from({ length: 17 }, (_, i) => (i === 0 ? 1 : 5))]);
    const rank1 = tf.tensor1d([1, 5], 'int32');
    try {
      await expectGlassboxError(() => gpt.encode('Anna'), 'INVALID_ARGUMENT', /GPT.encode: text has the character "A" at index 0/);
      await expectGlassboxError(() => gpt.encode('an?'), 'INVALID_ARGUMENT', /"\?"/);
      await expectGlassboxError(() => gpt.encode('abcdefghijklmnop'), 'INVALID_ARGUMENT', /text must have at most 15 characters/);
      await expectGlassboxError(() => gpt.encode(3 as never), 'INVALID_ARGUMENT', /text must be a string/);
      await expectGlassboxError(() => gpt.logits(float), 'INVALID_ARGUMENT', /GPT.logits: ids must be an int32 tensor/);
      await expectGlassboxError(() => gpt.nextToken(big), 'INVALID_ARGUMENT', /ids must hold token ids in 0..30, got 40/);
      await expectGlassboxError(() => gpt.embed(neg), 'INVALID_ARGUMENT', /GPT.embed: ids must hold token ids/);
      await expectGlassboxError(() => gpt.attention(long), 'SHAPE_MISMATCH', /17 positions, more than the model's context of 16/);
      await expectGlassboxError(() => gpt.logits(rank1), 'SHAPE_MISMATCH', /ids must have shape \[N, T\]/);
      await expectGlassboxError(() => gpt.forwardFromEmbeddings(ok), 'INVALID_ARGUMENT', /e must be a float32 tensor/);
      await expectGlassboxError(() => gpt.forwardFromEmbeddings(float), 'SHAPE_MISMATCH', /e must have shape \[N, T, 16\]/);
      await expectGlassboxError(() => gpt.generate('', { temperature: 0 }), 'INVALID_ARGUMENT', /options.temperature must be a finite number > 0, got 0/);
      await expectGlassboxError(() => gpt.generate('', { temperature: -1 }), 'INVALID_ARGUMENT', /options.temperature/);
      await expectGlassboxError(() => gpt.generate('', { topK: 0 }), 'INVALID_ARGUMENT', /options.topK/);
      await expectGlassboxError(() => gpt.generate('', { maxTokens: 1.5 }), 'INVALID_ARGUMENT', /options.maxTokens/);
      await expectGlassboxError(() => gpt.generate('Zed'), 'INVALID_ARGUMENT', /GPT.generate: prompt has the character "Z"/);
      await expectGlassboxError(() => gpt.generate('abcdefghijklmnopq'), 'INVALID_ARGUMENT', /prompt must have at most 15 characters/);
      await expectGlassboxError(() => gpt.decode([1, 99]), 'INVALID_ARGUMENT', /ids/);
      await expectGlassboxError(() => gpt.decode(float), 'INVALID_ARGUMENT', /ids must be an int32 tensor/);
      await expectGlassboxError(() => gpt.evaluate(['ann', '']), 'INVALID_ARGUMENT', /data\[1\] must be a non-empty string/);
      await expectGlassboxError(() => gpt.evaluate([]), 'INVALID_ARGUMENT', /at least one name/);
      await expectGlassboxError(() => gpt.evaluate('valid' as never), 'INVALID_ARGUMENT', /data must be 'train', 'test'/);
      await expectGlassboxError(() => createGPT({ tokenizer, heads: 3 }), 'INVALID_ARGUMENT', /options.heads must divide options.dim/);
      await expectGlassboxError(() => createGPT({ tokenizer: WordTokenizer.fromTexts(['a b'], { minCount: 1 }) as never }), 'INVALID_ARGUMENT', /character tokenizer/);
      await expectGlassboxError(() => createGPT(undefined as never), 'INVALID_ARGUMENT', /options must be an object with a tokenizer/);
    } finally {
      tf.dispose([ok, float, big, neg, long, rank1]);
    }
  });

  it('a disposed model refuses every call', async () => {
    const m = tiny(2);
    m.dispose();
    expect(m.isDisposed).toBe(true);
    const ids = ids2d([[1, 5]]);
    try {
      await expectGlassboxError(() => m.logits(ids), 'INVALID_ARGUMENT', /disposed/);
      await expectGlassboxError(() => m.generate(''), 'INVALID_ARGUMENT', /disposed/);
      await expectGlassboxError(() => m.save(), 'INVALID_ARGUMENT', /disposed/);
    } finally {
      ids.dispose();
    }
  });

  it('train lowers the loss, is reproducible with the same seed, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const [m1, m2] = [tiny(5), tiny(5)];
    const ids = ids2d([[1, 5, 6, 7]]);
    try {
      const start = await m1.evaluate(names);
      const h1 = await train(m1, names, { epochs: 2, batchSize: 32, learningRate: 1e-2, seed: 3 });
      await train(m2, names, { epochs: 2, batchSize: 32, learningRate: 1e-2, seed: 3 });
      expect(h1.steps).toBe(6);
      const end = await m1.evaluate(names);
      expect(end.nllPerChar).toBeLessThan(start.nllPerChar - 0.2);
      const [a, b] = [m1.logits(ids), m2.logits(ids)];
      expectTensorClose(a, b, 0);
      tf.dispose([a, b]);
      await expectGlassboxError(() => train(m1, ['ann', 'B'], { epochs: 1 }), 'INVALID_ARGUMENT', /train: data\[1\] has the character "B"/);
      await expectGlassboxError(() => train(m1, [], {}), 'INVALID_ARGUMENT', /data must be a non-empty array of names/);
      await expectGlassboxError(() => train({} as never, names), 'INVALID_ARGUMENT', /model must be a GPT or a TextClassifier/);
    } finally {
      ids.dispose();
      m1.dispose();
      m2.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

it('sample draws from softmax(z / temperature) over the allowed top-k ids (inverse CDF, closed form)', () => {
  const z = [2, 1, 0.5, -1, 3];
  const banned = new Set([4]);
  for (const [temperature, topK] of [
    [1, 5],
    [0.5, 5],
    [2, 2],
  ] as const) {
    const allowed = [0, 1, 2, 3].sort((a, b) => z[b]! - z[a]!).slice(0, topK);
    const w = allowed.map((v) => Math.exp(z[v]! / temperature));
    const total = w.reduce((a, b) => a + b, 0);
    const counts = new Map<number, number>();
    const n = 10000;
    for (let i = 0; i < n; i++) {
      const v = sample(z, banned, temperature, topK, (i + 0.5) / n);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect(counts.has(4)).toBe(false);
    allowed.forEach((v, i) => expect(Math.abs((counts.get(v) ?? 0) / n - w[i]! / total)).toBeLessThanOrEqual(1 / n + 1e-9));
    expect([...counts.keys()].every((v) => allowed.includes(v))).toBe(true);
  }
});
