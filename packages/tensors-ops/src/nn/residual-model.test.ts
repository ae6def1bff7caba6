import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { computeOn } from '../testing-internal/parity-helpers.js';
import { describePoolModel } from '../pool/model.js';
import {
  addBias,
  expectRelClose,
  flat,
  layerNormRows,
  matmul,
  transformerSeq,
  type Rows,
  type TransformerRef,
} from '../testing-internal/reference-blocks.js';
import { ResidualModel, planResidualModel, residualModel } from './residual-model.js';
import type { BlockSpec } from './block-spec.js';

const V = 11;
const D = 8;

/** A tiny GPT: token + position embeddings, two causal pre-norm blocks, a final norm and a vocabulary head. */
function gptBlocks(dropout = 0): BlockSpec[] {
  return [
    { type: 'tokenEmbedding', name: 'tokens', vocabSize: V, dim: D },
    { type: 'positionalEmbedding', name: 'positions', maxLength: 6 },
    { type: 'transformerBlock', name: 'h0', heads: 2, causal: true, hidden: 12, dropout },
    { type: 'transformerBlock', name: 'h1', heads: 2, causal: true, hidden: 12, dropout },
    { type: 'layerNorm', name: 'lnF' },
    { type: 'dense', name: 'logits', units: V },
  ];
}

/** A BERT-style classifier: padding id 0, a non-causal block, pooled, two classes. */
function encoderBlocks(mode: 'first' | 'last' | 'mean'): BlockSpec[] {
  return [
    { type: 'tokenEmbedding', name: 'tokens', vocabSize: V, dim: D, padId: 0 },
    { type: 'positionalEmbedding', name: 'positions', maxLength: 8 },
    { type: 'transformerBlock', name: 'enc', heads: 4 },
    { type: 'sequencePool', name: 'pool', mode },
    { type: 'dense', name: 'classes', units: 2 },
  ];
}

const IDS = [
  [1, 5, 3, 3, 9],
  [10, 2, 2, 7, 0],
];

function arrays(model: ResidualModel): Record<string, number[] | Rows> {
  const out: Record<string, number[] | Rows> = {};
  const w = model.getWeights();
  for (const [name, t] of Object.entries(w)) out[name] = t.arraySync() as number[] | Rows;
  tf.dispose(w);
  return out;
}

function refBlock(w: Record<string, number[] | Rows>, b: string): TransformerRef {
  const v = (k: string): number[] => w[`${b}/${k}`] as number[];
  const m = (k: string): Rows => w[`${b}/${k}`] as Rows;
  return {
    ln1: { gamma: v('ln1/gamma'), beta: v('ln1/beta') },
    attention: {
      wq: m('attention/wq'),
      wk: m('attention/wk'),
      wv: m('attention/wv'),
      wo: m('attention/wo'),
      bq: v('attention/bq'),
      bk: v('attention/bk'),
      bv: v('attention/bv'),
      bo: v('attention/bo'),
    },
    ln2: { gamma: v('ln2/gamma'), beta: v('ln2/beta') },
    mlp: { w1: m('mlp/w1'), b1: v('mlp/b1'), w2: m('mlp/w2'), b2: v('mlp/b2') },
  };
}

/** The GPT by the definitions, in float64, one sequence at a time. */
function gptReference(model: ResidualModel, ids: number[][]): { logits: number[][][]; probs: number[][][][][] } {
  const w = arrays(model);
  const logits: number[][][] = [];
  const probs: number[][][][][] = [[], []];
  for (const seq of ids) {
    let h: Rows = seq.map((id, t) => (w['tokens/table'] as Rows)[id]!.map((v, j) => v + (w['positions/table'] as Rows)[t]![j]!));
    ['h0', 'h1'].forEach((b, layer) => {
      const r = transformerSeq(h, refBlock(w, b), 2, true, null, 1e-5, 'tanh');
      h = r.out;
      probs[layer]!.push(r.probs);
    });
    h = layerNormRows(h, w['lnF/gamma'] as number[], w['lnF/beta'] as number[], 1e-5);
    logits.push(addBias(matmul(h, w['logits/kernel'] as Rows), w['logits/bias'] as number[]));
  }
  return { logits, probs };
}

describeBackends('ResidualModel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-residual-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a GPT stack computes the definition of its blocks (float64 reference), with named parameters', async () => {
    await expectNoLeaks(() => {
      const gpt = residualModel(gptBlocks(), [null], { seed: 3 });
      expect(gpt.inputDType).toBe('int32');
      expect(gpt.inputShape).toEqual([null]);
      expect(gpt.outputShape).toEqual([null, V]);
      expect(gpt.blocks.map((b) => [b.name, b.outputShape])).toEqual([
        ['tokens', [null, D]],
        ['positions', [null, D]],
        ['h0', [null, D]],
        ['h1', [null, D]],
        ['lnF', [null, D]],
        ['logits', [null, V]],
      ]);
      expect(gpt.attentionNames).toEqual(['h0/attention', 'h1/attention']);
      expect(gpt.blocks[2]!.params).toEqual([
        'h0/ln1/gamma', 'h0/ln1/beta',
        'h0/attention/wq', 'h0/attention/bq', 'h0/attention/wk', 'h0/attention/bk', 'h0/attention/wv', 'h0/attention/bv',
        'h0/attention/wo', 'h0/attention/bo',
        'h0/ln2/gamma', 'h0/ln2/beta',
        'h0/mlp/w1', 'h0/mlp/b1', 'h0/mlp/w2', 'h0/mlp/b2',
      ]);
      // V*D + 6*D + 2 * (4D + 4(D*D + D) + D*12 + 12 + 12*D + D) + 2D + D*V + V
      const perBlock = 4 * D + 4 * (D * D + D) + D * 12 + 12 + 12 * D + D;
      expect(gpt.countParams()).toBe(V * D + 6 * D + 2 * perBlock + 2 * D + D * V + V);
      const ids = tf.tensor2d(IDS, [2, 5], 'int32');
      const logits = gpt.predict(ids);
      expect(logits.shape).toEqual([2, 5, V]);
      const want = gptReference(gpt, IDS);
      expectTensorClose(logits, flat(want.logits), 5e-5);
      const probs = gpt.attention(ids);
      expect(probs.map((p) => p.shape)).toEqual([[2, 2, 5, 5], [2, 2, 5, 5]]);
      probs.forEach((p, layer) => expectTensorClose(p, flat(want.probs[layer]), 2e-6));
      const all = gpt.applyWithActivations(ids);
      expect(Object.keys(all.activations)).toEqual(['tokens', 'positions', 'h0', 'h1', 'lnF', 'logits']);
      expect(Object.keys(all.attention)).toEqual(['h0/attention', 'h1/attention']);
      expect(all.output).toBe(all.activations.logits);
      expectTensorClose(all.output, logits, 0);
      tf.dispose([ids, logits, ...probs, all]);
      gpt.dispose();
    });
  });

  it('takes any sequence length up to maxLength, and a causal model gives a prefix the same outputs', async () => {
    await expectNoLeaks(async () => {
      const gpt = residualModel(gptBlocks(), [null], { seed: 4 });
      const long = tf.tensor2d([[3, 1, 4, 1, 5, 9]], [1, 6], 'int32');
      const short = tf.tensor2d([[3, 1, 4]], [1, 3], 'int32');
      const a = gpt.predict(long);
      const b = gpt.predict(short);
      const prefix = tf.slice(a, [0, 0, 0], [1, 3, V]);
      expectTensorClose(prefix, b, 2e-6);
      const tooLong = tf.zeros([1, 7], 'int32');
      await expectGlassboxError(() => gpt.predict(tooLong), 'SHAPE_MISMATCH', /7 positions, more than the 6 \(maxLength\) of positional embedding 'positions'/);
      tf.dispose([long, short, a, b, prefix, tooLong]);
      gpt.dispose();
    });
  });

  it('masks padding from the padId: a padded sequence gives what the sequence alone gives, for every pooling', async () => {
    await expectNoLeaks(() => {
      for (const mode of ['mean', 'last', 'first'] as const) {
        const enc = residualModel(encoderBlocks(mode), [null], { seed: 5 });
        const padded = tf.tensor2d([[4, 7, 2, 0, 0], [5, 1, 1, 8, 3]], [2, 5], 'int32');
        const alone = tf.tensor2d([[4, 7, 2]], [1, 3], 'int32');
        const y = enc.predict(padded);
        const y0 = enc.predict(alone);
        expect(y.shape).toEqual([2, 2]);
        const row0 = tf.slice(y, [0, 0], [1, 2]);
        expectTensorClose(row0, y0, 2e-6);
        // An explicit mask equals the derived one; an all-ones mask lets the padding in (a different answer).
        const mask = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], [2, 5], 'bool');
        const ones = tf.ones([2, 5], 'int32');
        const explicit = enc.apply(padded, { paddingMask: mask });
        expectTensorClose(explicit, y, 0);
        const unmasked = enc.apply(padded, { paddingMask: ones });
        const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(unmasked, [0, 0], [1, 2]), y0))).dataSync()[0]!);
        expect(gap).toBeGreaterThan(1e-4);
        // Attention never lands on the padded keys.
        const [probs] = enc.attention(padded);
        const p = probs!.arraySync() as number[][][][];
        for (let h = 0; h < 4; h++) for (let i = 0; i < 5; i++) expect([p[0]![h]![i]![3], p[0]![h]![i]![4]]).toEqual([0, 0]);
        tf.dispose([padded, alone, y, y0, row0, mask, ones, explicit, unmasked, probs!]);
        enc.dispose();
      }
    });
  });

  it('split: head(features(x)) equals predict(x) exactly (embeddings in, logits out)', async () => {
    await expectNoLeaks(() => {
      const gpt = residualModel(gptBlocks(), [null], { seed: 6 });
      const { features: embed, head, blockIndex, featuresShape } = gpt.split('positions');
      expect([blockIndex, featuresShape]).toEqual([1, [null, D]]);
      const ids = tf.tensor2d(IDS, [2, 5], 'int32');
      const e = embed(ids);
      expect(e.shape).toEqual([2, 5, D]);
      const y = head(e);
      const want = gpt.predict(ids);
      expectTensorClose(y, want, 0);
      // Split at the last block: the head is the identity (a copy).
      const last = gpt.split('logits');
      const yl = last.features(ids);
      const same = last.head(yl);
      expectTensorClose(same, want, 0);
      tf.dispose([ids, e, y, want, yl, same]);
      gpt.dispose();
    });
  });

  it('toJSON / fromJSON round-trip the architecture (same outputs, same JSON)', async () => {
    await expectNoLeaks(() => {
      const gpt = residualModel(gptBlocks(0.1), [null], { seed: 7 });
      const json = gpt.toJSON();
      expect(json.format).toBe('glassbox-residual');
      // Defaults are filled in, so the JSON says exactly what runs.
      expect(json.blocks[2]).toEqual({
        type: 'transformerBlock', name: 'h0', heads: 2, hidden: 12, keyDim: 4, causal: true, epsilon: 1e-5,
        approximate: 'tanh', dropout: 0.1, kernelInitializer: 'glorotUniform',
      });
      const copy = ResidualModel.fromJSON(JSON.stringify(json));
      expect(copy.toJSON()).toEqual(json);
      const ids = tf.tensor2d(IDS, [2, 5], 'int32');
      const a = gpt.predict(ids);
      const b = copy.predict(ids);
      expectTensorClose(b, a, 0);
      const reseeded = ResidualModel.fromJSON(json, { seed: 8 });
      const c = reseeded.predict(ids);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]!)).toBeGreaterThan(1e-3);
      tf.dispose([ids, a, b, c]);
      [gpt, copy, reseeded].forEach((m) => m.dispose());
    });
  });

  it('getWeights / setWeights move every parameter by name and refuse bad weights (BAD_WEIGHTS)', async () => {
    const a = residualModel(gptBlocks(), [null], { seed: 9 });
    const b = residualModel(gptBlocks(), [null], { seed: 10 });
    const ids = tf.tensor2d(IDS, [2, 5], 'int32');
    await expectNoLeaks(() => {
      const w = a.getWeights();
      b.setWeights(w);
      const ya = a.predict(ids);
      const yb = b.predict(ids);
      expectTensorClose(yb, ya, 0);
      tf.dispose([ya, yb, ...Object.values(w)]);
    });
    const wrong = tf.zeros([V, D + 1]);
    const nan = tf.fill([D], NaN);
    await expectGlassboxError(() => b.setWeights({ 'tokens/table': wrong }, { allowPartial: true }), 'BAD_WEIGHTS', /'tokens\/table' must have shape \[11, 8\], got \[11, 9\]/);
    await expectGlassboxError(() => b.setWeights({ 'lnF/gamma': nan }, { allowPartial: true }), 'BAD_WEIGHTS', /'lnF\/gamma' must hold finite values, got NaN/);
    await expectGlassboxError(() => b.setWeights({ 'h9/mlp/w1': wrong }, { allowPartial: true }), 'BAD_WEIGHTS', /unknown weight 'h9\/mlp\/w1'/);
    await expectGlassboxError(() => b.setWeights({}), 'BAD_WEIGHTS', /missing weights 'tokens\/table'/);
    tf.dispose([ids, wrong, nan]);
    a.dispose();
    b.dispose();
  });

  it('save / load (model.json + weights.bin) round-trip, in memory and in a folder', async () => {
    await expectNoLeaks(async () => {
      const gpt = residualModel(gptBlocks(), [null], { seed: 11 });
      const ids = tf.tensor2d(IDS, [2, 5], 'int32');
      const want = gpt.predict(ids);
      const saved = await gpt.save();
      expect(saved.modelJSON.modelTopology).toEqual(gpt.toJSON());
      expect(saved.weightData.byteLength).toBe(gpt.countParams() * 4);
      const loaded = ResidualModel.load(saved);
      const got = loaded.predict(ids);
      expectTensorClose(got, want, 0);
      const files = await gpt.saveToDir(join(dir, 'gpt'));
      expect(files.weightBytes).toBe(gpt.countParams() * 4);
      const fromDir = await ResidualModel.loadFromDir(join(dir, 'gpt'));
      const got2 = fromDir.predict(ids);
      expectTensorClose(got2, want, 0);
      // The planner serves the /models loaders: exact parameter count before any tensor is made.
      expect(planResidualModel(saved.modelJSON).elements).toBe(gpt.countParams());
      tf.dispose([ids, want, got, got2]);
      [gpt, loaded, fromDir].forEach((m) => m.dispose());
    });
  });

  it('refuses bad files with BAD_WEIGHTS and leaves nothing allocated', async () => {
    const gpt = residualModel(gptBlocks(), [null], { seed: 12 });
    const saved = await gpt.save();
    const json = saved.modelJSON as unknown as { weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[]; modelTopology: unknown };
    const load = (modelJSON: unknown, weightData: ArrayBuffer) => ResidualModel.load({ modelJSON: modelJSON as never, weightData });
    // Short file.
    await expectGlassboxError(() => load(json, saved.weightData.slice(0, saved.weightData.byteLength - 4)), 'BAD_WEIGHTS', /truncated/);
    // A NaN in the data.
    const poisoned = saved.weightData.slice(0);
    new Float32Array(poisoned)[3] = NaN;
    // (without the content hash, which would refuse the edited bytes first)
    const unhashed = { ...json, weightsManifest: json.weightsManifest.map((g) => ({ ...g, sha256: undefined })) };
    await expectGlassboxError(() => load(unhashed, poisoned), 'BAD_WEIGHTS', /must hold finite values, got NaN/);
    // A weight missing from the manifest (and its bytes): the model needs it.
    const entries = json.weightsManifest[0]!.weights;
    const firstSize = entries[0]!.shape.reduce((a, b) => a * b, 1);
    const missing = { ...json, weightsManifest: [{ paths: ['weights.bin'], weights: entries.slice(1) }] };
    await expectGlassboxError(() => load(missing, saved.weightData.slice(firstSize * 4)), 'BAD_WEIGHTS', /missing weight 'tokens\/table'/);
    // A topology that is not a ResidualModel's.
    const badTopology = { ...json, modelTopology: { ...(json.modelTopology as object), blocks: [{ type: 'lstm' }] } };
    await expectGlassboxError(() => load(badTopology, saved.weightData), 'BAD_WEIGHTS', /blocks\[0\].type must be one of/);
    await expectGlassboxError(() => load({ ...json, modelTopology: {} }, saved.weightData), 'BAD_WEIGHTS', /format must be 'glassbox-residual'/);
    await expectGlassboxError(() => ResidualModel.load(saved, { maxElements: 10 }), 'BAD_WEIGHTS', /more than options.maxElements \(10\)/);
    // Files: a missing folder, a short weights.bin.
    await expectGlassboxError(() => ResidualModel.loadFromDir(join(dir, 'nowhere')), 'BAD_WEIGHTS', /could not read/);
    await gpt.saveToDir(join(dir, 'short'));
    await writeFile(join(dir, 'short', 'weights.bin'), new Uint8Array(saved.weightData.slice(0, 100)));
    await expectGlassboxError(() => ResidualModel.loadFromDir(join(dir, 'short')), 'BAD_WEIGHTS', /truncated/);
    gpt.dispose();
  });

  it('training mode: seeded dropout, inference ignores it, and every trainable variable gets a gradient', async () => {
    await expectNoLeaks(() => {
      const gpt = residualModel(gptBlocks(0.2), [null], { seed: 13 });
      const ids = tf.tensor2d(IDS, [2, 5], 'int32');
      const plain = gpt.predict(ids);
      const a = gpt.apply(ids, { training: true, seed: 1 });
      const b = gpt.apply(ids, { training: true, seed: 1 });
      const c = gpt.apply(ids, { training: true, seed: 2 });
      expectTensorClose(a, b, 0);
      const gap = (u: tf.Tensor, v: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(u, v))).dataSync()[0]!);
      expect(gap(a, c)).toBeGreaterThan(1e-3);
      expect(gap(a, plain)).toBeGreaterThan(1e-3);
      const vars = gpt.trainableVariables();
      expect(vars.length).toBe(gpt.params.size);
      expect(gpt.nonTrainableVariables()).toEqual([]);
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(gpt.apply(ids, { training: true, seed: 3 }))) as tf.Scalar, vars);
      // Every parameter reaches the loss (attention/bk only through rounding: its true gradient is 0).
      for (const [name, g] of Object.entries(grads)) expect(g.shape.length, name).toBeGreaterThan(0);
      expect(Object.keys(grads).length).toBe(vars.length);
      tf.dispose([ids, plain, a, b, c, value, ...Object.values(grads)]);
      gpt.dispose();
    });
  });

  it('expresses a residual CNN (conv, batch norm, relu, an inverted-residual-style body) as plain tf ops compute it', async () => {
    await expectNoLeaks(() => {
      const cnn = residualModel(
        [
          { type: 'conv2d', name: 'stem', filters: 4, kernelSize: 3, padding: 'same' },
          { type: 'batchNorm', name: 'bn0' },
          { type: 'activation', name: 'act0', fn: 'relu' },
          {
            type: 'residual',
            name: 'block1',
            body: [
              { type: 'conv2d', name: 'expand', filters: 8, kernelSize: 1, activation: 'relu' },
              { type: 'conv2d', name: 'mix', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' },
              { type: 'conv2d', name: 'project', filters: 4, kernelSize: 1 },
              { type: 'batchNorm', name: 'bn' },
            ],
          },
          { type: 'avgPool', name: 'pool', poolSize: 2 },
          { type: 'flatten', name: 'flat' },
          { type: 'dense', name: 'out', units: 3 },
        ],
        [6, 6, 2],
        { seed: 14 },
      );
      expect(cnn.inputDType).toBe('float32');
      expect(cnn.blocks[3]!.params).toEqual([
        'block1/expand/kernel', 'block1/expand/bias', 'block1/mix/kernel', 'block1/mix/bias', 'block1/project/kernel', 'block1/project/bias',
        'block1/bn/gamma', 'block1/bn/beta', 'block1/bn/movingMean', 'block1/bn/movingVariance',
      ]);
      // Non-trivial moving statistics, so that inference-mode batch norm is checked for real.
      const stats: Record<string, tf.Tensor> = {
        'bn0/movingMean': tf.tensor1d([0.1, -0.2, 0.3, 0]),
        'bn0/movingVariance': tf.tensor1d([0.5, 2, 1, 1.5]),
        'block1/bn/movingMean': tf.tensor1d([-0.1, 0.2, 0, 0.05]),
        'block1/bn/movingVariance': tf.tensor1d([1.2, 0.7, 0.9, 2]),
      };
      cnn.setWeights(stats, { allowPartial: true });
      const x = tf.tensor4d(Array.from({ length: 2 * 36 * 2 }, (_, i) => Math.sin(i * 0.37)), [2, 6, 6, 2]);
      const y = cnn.predict(x);
      const want = tf.tidy(() => {
        const w = cnn.params;
        const g = (k: string): tf.Tensor => w.get(k)!;
        const bn = (h: tf.Tensor, p: string): tf.Tensor => tf.batchNorm(h, g(`${p}/movingMean`), g(`${p}/movingVariance`), g(`${p}/beta`), g(`${p}/gamma`), 1e-3);
        const conv = (h: tf.Tensor, p: string, pad: 'same' | 'valid'): tf.Tensor =>
          tf.add(tf.conv2d(h as tf.Tensor4D, g(`${p}/kernel`) as tf.Tensor4D, 1, pad), g(`${p}/bias`));
        const h0 = tf.relu(bn(conv(x, 'stem', 'same'), 'bn0'));
        const body = bn(conv(tf.relu(conv(tf.relu(conv(h0, 'block1/expand', 'valid')), 'block1/mix', 'same')), 'block1/project', 'valid'), 'block1/bn');
        const pooled = tf.avgPool(tf.add(h0, body) as tf.Tensor4D, 2, 2, 'valid');
        return tf.add(tf.matMul(tf.reshape(pooled, [2, 36]), g('out/kernel')), g('out/bias'));
      });
      expectTensorClose(y, want, 1e-5);
      // Training mode updates the moving statistics of both batch norms (the nested one included).
      const before = cnn.nonTrainableVariables().map((v) => v.dataSync().slice());
      tf.dispose(cnn.apply(x, { training: true }));
      const after = cnn.nonTrainableVariables().map((v) => v.dataSync().slice());
      expect(after.every((a, i) => a.some((v, j) => v !== before[i]![j]))).toBe(true);
      tf.dispose([x, y, want, ...Object.values(stats)]);
      cnn.dispose();
    });
  });

  it('refuses bad specs, inputs and options', async () => {
    const gpt = residualModel(gptBlocks(), [null], { seed: 15 });
    const floatIds = tf.zeros([1, 3]);
    const high = tf.tensor2d([[1, 11]], [1, 2], 'int32');
    const rank3 = tf.zeros([1, 2, 3], 'int32');
    const mask = tf.ones([1, 3]);
    const ids = tf.tensor2d([[1, 2]], [1, 2], 'int32');
    await expectGlassboxError(() => gpt.predict(floatIds), 'INVALID_ARGUMENT', /x must be an int32 tensor of token ids, got dtype float32/);
    await expectGlassboxError(() => gpt.predict(high), 'INVALID_ARGUMENT', /x must lie in \[0, 11\).*got 11 at flat index 1/);
    await expectGlassboxError(() => gpt.predict(rank3), 'SHAPE_MISMATCH', /x must have shape \[N, T\] with N, T >= 1, got \[1, 2, 3\]/);
    await expectGlassboxError(() => gpt.apply(ids, { paddingMask: mask }), 'SHAPE_MISMATCH', /paddingMask must have shape \[1, 2\]/);
    await expectGlassboxError(() => gpt.apply(ids, { trainng: true } as never), 'INVALID_ARGUMENT', /unknown key 'trainng' in options/);
    await expectGlassboxError(() => gpt.split('h7'), 'INVALID_ARGUMENT', /blockName must be one of 'tokens', 'positions'/);
    const head = gpt.split('positions').head;
    await expectGlassboxError(() => head(ids), 'INVALID_ARGUMENT', /a must be a float32 tensor, got dtype int32/);
    const make = (blocks: unknown, shape: unknown = [null]) => () => residualModel(blocks as BlockSpec[], shape as number[]);
    await expectGlassboxError(make([{ type: 'layerNorm' }, { type: 'tokenEmbedding', vocabSize: 3, dim: 2 }], [null, 2]), 'INVALID_ARGUMENT', /can only be the first block/);
    await expectGlassboxError(make([{ type: 'tokenEmbedding', vocabSize: 3, dim: 6 }, { type: 'transformerBlock', heads: 4 }]), 'INVALID_ARGUMENT', /heads must divide the 6 features/);
    await expectGlassboxError(
      make([{ type: 'tokenEmbedding', vocabSize: 3, dim: 4 }, { type: 'residual', name: 'r', body: [{ type: 'dense', units: 5 }] }]),
      'SHAPE_MISMATCH',
      /block 'r'.*must give back its input's row shape \[T, 4\].*got \[T, 5\]/,
    );
    await expectGlassboxError(make([{ type: 'tokenEmbedding', vocabSize: 3, dim: 4 }, { type: 'flatten' }]), 'SHAPE_MISMATCH', /'flatten' layer needs input rows of fixed size/);
    await expectGlassboxError(make([{ type: 'tokenEmbedding', vocabSize: 3, dim: 4 }, { type: 'layerNorm', name: 'a' }, { type: 'layerNorm', name: 'a' }]), 'INVALID_ARGUMENT', /earlier sibling/);
    await expectGlassboxError(make([{ type: 'tokenEmbedding', vocabSize: 3, dim: 4, padID: 0 }]), 'INVALID_ARGUMENT', /unknown key 'padID'/);
    await expectGlassboxError(make([{ type: 'tokenEmbedding', vocabSize: 3, dim: 4, padId: 3 }]), 'INVALID_ARGUMENT', /padId must be an integer >= 0 <= 2/);
    await expectGlassboxError(make([{ type: 'sequencePool', mode: 'max' }], [5, 4]), 'INVALID_ARGUMENT', /mode must be one of 'first', 'last', 'mean'/);
    await expectGlassboxError(make([{ type: 'attention', heads: 2 }], [5]), 'SHAPE_MISMATCH', /needs rows \[T, D\]/);
    await expectGlassboxError(make([{ type: 'positionalEmbedding', maxLength: 4 }], [5, 2]), 'SHAPE_MISMATCH', /5 positions, more than maxLength 4/);
    await expectGlassboxError(make([], [3]), 'INVALID_ARGUMENT', /blocks must be a non-empty array/);
    await expectGlassboxError(make([{ type: 'dense', units: 2 }], [0]), 'INVALID_ARGUMENT', /inputShape must be a non-empty array of integers >= 1 or null/);
    await expectGlassboxError(() => ResidualModel.fromJSON({ format: 'glassbox-sequential' } as never), 'INVALID_ARGUMENT', /json.format must be 'glassbox-residual'/);
    tf.dispose([floatIds, high, rank3, mask, ids]);
    gpt.dispose();
    await expectGlassboxError(() => gpt.predict(ids), 'INVALID_ARGUMENT', /has been disposed/);
  });

  it('describes itself for the worker pool, once while its weights are unchanged', async () => {
    await expectNoLeaks(() => {
      const gpt = residualModel(gptBlocks(), [null], { seed: 16 });
      const a = describePoolModel(gpt);
      const b = describePoolModel(gpt);
      if ('reason' in a || 'reason' in b) throw new Error('not poolable');
      expect(b.spec).toBe(a.spec);
      expect(b.key).toBe(a.key);
      expect(a.spec.kind).toBe('residual');
      const head = describePoolModel(gpt.split('positions').head);
      if ('reason' in head) throw new Error(head.reason);
      expect(head.key).not.toBe(a.key);
      expect(head.spec).toMatchObject({ kind: 'residual', part: { split: 'positions', side: 'head' } });
      const w = gpt.getWeights();
      const doubled = tf.mul(w['lnF/gamma']!, 2);
      gpt.setWeights({ 'lnF/gamma': doubled }, { allowPartial: true });
      const c = describePoolModel(gpt);
      if ('reason' in c) throw new Error(c.reason);
      expect(c.key).not.toBe(a.key);
      tf.dispose([doubled, ...Object.values(w)]);
      gpt.dispose();
    });
  });
});

describe('ResidualModel gradients: wasm equals cpu', () => {
  it('a GPT: gradient to the embeddings (the explainers path) and to every parameter (1e-4 relative)', async () => {
    const model = residualModel(gptBlocks(), [null], { seed: 17 });
    const json = model.toJSON();
    const names = ['embeddings', ...model.blocks.flatMap((b) => b.params)];
    model.dispose();
    const run = (): tf.Tensor[] => {
      const gpt = ResidualModel.fromJSON(json);
      try {
        const ids = tf.tensor2d([[1, 5, 3, 3, 9, 1], [10, 2, 2, 7, 0, 4], [6, 6, 6, 6, 6, 6]], [3, 6], 'int32');
        const { features, head } = gpt.split('positions');
        const e = features(ids);
        const w = tf.tensor3d(Array.from({ length: 3 * 6 * V }, (_, i) => Math.cos(i)), [3, 6, V]);
        const ge = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(head(v), w)))(e);
        const vars = gpt.trainableVariables();
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(gpt.predict(ids), w)) as tf.Scalar, vars);
        return [ge, ...vars.map((v) => grads[v.name]!)];
      } finally {
        gpt.dispose();
      }
    };
    const cpu = await computeOn('cpu', run);
    const wasm = await computeOn('wasm', run);
    names.forEach((name, i) => {
      // attention/bk: exactly 0 by the definition (softmax ignores a row-wide shift); rounding noise only.
      if (name.endsWith('attention/bk')) {
        let scale = 0;
        for (const v of cpu.values[0]!) scale = Math.max(scale, Math.abs(v));
        for (const g of [cpu.values[i]!, wasm.values[i]!]) for (const v of g) expect(Math.abs(v)).toBeLessThanOrEqual(1e-4 * scale);
      } else {
        expectRelClose(wasm.values[i]!, cpu.values[i]!, 1e-4, name);
      }
    });
  });
});
