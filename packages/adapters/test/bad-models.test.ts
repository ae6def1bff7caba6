/**
 * Bad model files and models (issue 16 item 11): a model.json that is neither a layers nor a graph model, the
 * other kind of model, missing or short weight files, bytes that are not an ONNX model, a model whose output is not
 * [N, K], a wrong input: each is a GlassboxError naming the problem, and no tensor is left behind.
 * Also the small ONNX models written by test/fixtures/onnx-writer.ts: logits: true on a final Softmax, NHWC
 * models, and the session released on dispose.
 */
import { fileURLToPath } from 'node:url';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileIOHandler, tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { fromGraphModel, fromLayersModel, loadGraphModel, loadLayersModel, loadOnnx } from '../src/index.js';
import { ONNX_PATH, graphModelFiles, readPytorchCnn, writePytorchCnnForms } from './fixtures/pytorch-cnn-forms.js';
import { chainModel } from './fixtures/onnx-writer.js';

const tmp = fileURLToPath(new URL('../tmp/bad-models/', import.meta.url));
const cnn = readPytorchCnn();
let paths: Awaited<ReturnType<typeof writePytorchCnnForms>>;
let layersFiles: Record<string, Uint8Array>;

beforeAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  paths = await writePytorchCnnForms(tfl, tmp);
  const dir = paths.layers.replace(/model\.json$/, '');
  layersFiles = { 'model.json': readFileSync(`${dir}model.json`), 'weights.bin': readFileSync(`${dir}weights.bin`) };
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describeBackends('bad model files', () => {
  it('a model.json that is neither a layers nor a graph model, or not JSON, is BAD_WEIGHTS naming it', async () => {
    await expectNoLeaks(async () => {
      const other = new TextEncoder().encode(JSON.stringify({ format: 'something', modelTopology: { nodes: [] }, weightsManifest: [] }));
      await expectGlassboxError(() => loadLayersModel({ 'model.json': other }), 'BAD_WEIGHTS', /neither a TensorFlow\.js layers model .* nor a graph model/);
      await expectGlassboxError(() => loadGraphModel({ 'model.json': other }), 'BAD_WEIGHTS', /neither/);
      await expectGlassboxError(() => loadLayersModel({ 'model.json': new TextEncoder().encode('{"format": ') }), 'BAD_WEIGHTS', /not valid JSON/);
      await expectGlassboxError(() => loadLayersModel(`${tmp}no-such/model.json`), 'INVALID_ARGUMENT', /cannot be read: no such file/);
      await expectGlassboxError(() => loadLayersModel({ 'weights.bin': new Uint8Array(4) }), 'INVALID_ARGUMENT', /must hold the model\.json/);
      await expectGlassboxError(() => loadLayersModel(42 as never), 'INVALID_ARGUMENT', /source must be/);
    });
  });

  it('the other kind of model is refused naming the loader to use', async () => {
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => loadGraphModel(paths.layers), 'INVALID_ARGUMENT', /is a TensorFlow\.js layers model, not a graph model; load it with loadLayersModel/);
      await expectGlassboxError(() => loadLayersModel(paths.graph), 'INVALID_ARGUMENT', /graph model.*loadGraphModel/);
    });
  });

  it('a missing, short or long weight file is BAD_WEIGHTS naming the file, and nothing is built', async () => {
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => loadLayersModel({ 'model.json': layersFiles['model.json']! }), 'BAD_WEIGHTS', /weight file "weights\.bin" listed in model\.json is missing/);
      const short = layersFiles['weights.bin']!.subarray(0, 1000);
      // conv1 3x3x3x8 + 8, conv2 3x3x8x16 + 16, fc 1024x5 + 5 float32 values.
      const need = (3 * 3 * 3 * 8 + 8 + 3 * 3 * 8 * 16 + 16 + 1024 * 5 + 5) * 4;
      await expectGlassboxError(
        () => loadLayersModel({ ...layersFiles, 'weights.bin': short }),
        'BAD_WEIGHTS',
        new RegExp(`\\(weights\\.bin\\) holds 1000 bytes, but its 6 weights need ${need} bytes: a file is short`),
      );
      const long = new Uint8Array(layersFiles['weights.bin']!.length + 8);
      await expectGlassboxError(() => loadLayersModel({ ...layersFiles, 'weights.bin': long }), 'BAD_WEIGHTS', /longer than the manifest says/);
      const graph = graphModelFiles(cnn.weights);
      await expectGlassboxError(() => loadGraphModel({ 'model.json': graph['model.json']! }), 'BAD_WEIGHTS', /group1-shard1of1\.bin.*missing/);
      // On disk: the weight file removed next to the model.json.
      const dir = `${tmp}missing/`;
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}model.json`, graph['model.json']!);
      rmSync(`${dir}group1-shard1of1.bin`, { force: true });
      await expectGlassboxError(() => loadGraphModel(`${dir}model.json`), 'BAD_WEIGHTS', /weight file "group1-shard1of1\.bin" listed in the model\.json cannot be read \(.*no such file/);
      writeFileSync(`${dir}group1-shard1of1.bin`, graph['group1-shard1of1.bin']!.subarray(0, 100));
      await expectGlassboxError(() => loadGraphModel(`${dir}model.json`), 'BAD_WEIGHTS', /holds 100 bytes, but its 8 weights need/);
    });
  });

  it('bytes that are not an ONNX model are BAD_WEIGHTS; a wrong layout option or a missing one is INVALID_ARGUMENT', async () => {
    const onnx = new Uint8Array(readFileSync(ONNX_PATH));
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => loadOnnx(layersFiles['model.json']!, { layout: 'NCHW' }), 'BAD_WEIGHTS', /source is not an ONNX model/);
      await expectGlassboxError(() => loadOnnx(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]), { layout: 'NCHW' }), 'BAD_WEIGHTS', /not an ONNX model/);
      await expectGlassboxError(() => loadOnnx(onnx.subarray(0, onnx.length - 500), { layout: 'NCHW' }), 'BAD_WEIGHTS', /not an ONNX model/);
      await expectGlassboxError(() => loadOnnx(onnx, { layout: 'NCWH' as never }), 'INVALID_ARGUMENT', /options\.layout/);
      await expectGlassboxError(() => loadOnnx(onnx), 'INVALID_ARGUMENT', /options\.layout is required for an image input \("input" of shape \[\?, 3, 32, 32\]\)/);
      await expectGlassboxError(() => loadOnnx(onnx, { layout: 'NCHW', logit: true } as never), 'INVALID_ARGUMENT', /logit.*logits/);
      await expectGlassboxError(() => loadOnnx(`${tmp}none.onnx`, { layout: 'NCHW' }), 'INVALID_ARGUMENT', /no such file/);
      // A model whose output has no Softmax refuses logits: true.
      await expectGlassboxError(() => loadOnnx(onnx, { layout: 'NCHW', logits: true }), 'INVALID_ARGUMENT', /options\.logits: the output "logits" is not made by a Softmax node \(it is a Gemm node\)/);
    });
  });

  it('a model whose output is not [N, K] is SHAPE_MISMATCH naming its shape, in every form, and nothing stays allocated', async () => {
    const before = tf.memory().numTensors;
    const conv = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 1 })] });
    await expectGlassboxError(() => fromLayersModel(conv), 'SHAPE_MISMATCH', /output .* has shape \[\?, 4, 4, 2\]; Glassbox explains models whose output is \[N, K\]/);
    const dir = `${tmp}conv/`;
    await conv.save(fileIOHandler(dir));
    conv.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expectGlassboxError(() => loadLayersModel(`${dir}model.json`), 'SHAPE_MISMATCH', /\[\?, 4, 4, 2\]/);
    expect(tf.memory().numTensors).toBe(before);
    await expectGlassboxError(() => loadOnnx(chainModel(['Relu'], [null, 3, 4, 4], [null, 3, 4, 4]), { layout: 'NCHW' }), 'SHAPE_MISMATCH', /output "y" has shape \[\?, 3, 4, 4\]/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('predict refuses x of another shape than the model input with SHAPE_MISMATCH', async () => {
    const layers = await loadLayersModel(paths.layers);
    const onnx = await loadOnnx(ONNX_PATH, { layout: 'NCHW' });
    const x = tf.zeros([1, 3, 32, 32]);
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => layers.predict(x), 'SHAPE_MISMATCH', /x must have the model's input shape \[\?, 32, 32, 3\] \(NHWC for images\), got \[1, 3, 32, 32\]/);
      await expectGlassboxError(() => onnx.predict(x), 'SHAPE_MISMATCH', /\[\?, 32, 32, 3\]/);
    });
    x.dispose();
    layers.dispose();
    await onnx.dispose();
  });

  it('graph models: an unknown or ambiguous output, logits without a softmax', async () => {
    const graph = await loadGraphModel(paths.graph);
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => fromGraphModel(graph.inner as never, { output: 'nope' }), 'INVALID_ARGUMENT', /options\.output must name an output \(Identity\) or a node/);
      await expectGlassboxError(() => fromGraphModel(graph.inner as never, { logits: true }), 'INVALID_ARGUMENT', /not made by a Softmax node \(it is a BiasAdd node\)/);
      await expectGlassboxError(() => fromGraphModel({} as never), 'INVALID_ARGUMENT', /GraphModel/);
      // An inner node as the output: the logits before the final Identity.
      const inner = await fromGraphModel(graph.inner as never, { output: 'fc/BiasAdd' });
      const x = tf.tensor4d(cnn.inputsNhwc, [4, 32, 32, 3]);
      const a = inner.predict(x);
      const b = graph.predict(x);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      tf.dispose([a, b, x]);
      inner.dispose();
    });
    graph.dispose();
  });
});

describeBackends('small ONNX models', () => {
  it('logits: true takes the input of a final Softmax; without it the softmax is applied', async () => {
    const model = chainModel(['Relu', 'Softmax'], [null, 4], [null, 4]);
    const x = tf.tensor2d([[1, -2, 0.5, 3], [-1, -1, 2, 0]]);
    await expectNoLeaks(async () => {
      const probs = await loadOnnx(model);
      const logits = await loadOnnx(model, { logits: true });
      expect(logits.logits).toBe('input');
      const p = await probs.predict(x);
      const l = await logits.predict(x);
      const relu = [[1, 0, 0.5, 3], [0, 0, 2, 0]];
      const soft = relu.map((r) => {
        const e = r.map(Math.exp);
        const s = e.reduce((a, b) => a + b, 0);
        return e.map((v) => v / s);
      });
      expect(Array.from(l.dataSync())).toEqual(relu.flat());
      const pv = p.dataSync();
      soft.flat().forEach((v, i) => expect(pv[i]).toBeCloseTo(v, 6));
      tf.dispose([p, l]);
      await probs.dispose();
      await logits.dispose();
    });
    x.dispose();
  });

  it('an NHWC model is fed as it is; dispose releases the session and later calls are refused', async () => {
    // Relu on [N, 2, 2, 1] then Flatten to [N, 4].
    const model = await loadOnnx(chainModel(['Relu', 'Flatten'], [null, 2, 2, 1], [null, 4]), { layout: 'NHWC' });
    expect(model.inputShape).toEqual([null, 2, 2, 1]);
    const x = tf.tensor4d([1, -1, 2, -3, -5, 6, 7, 8], [2, 2, 2, 1]);
    await expectNoLeaks(async () => {
      const y = await model.predict(x);
      expect(y.shape).toEqual([2, 4]);
      expect(Array.from(y.dataSync())).toEqual([1, 0, 2, 0, 0, 6, 7, 8]);
      y.dispose();
    });
    const session = model.inner as { release(): Promise<void> };
    let released = 0;
    const release = session.release.bind(session);
    session.release = () => {
      released++;
      return release();
    };
    await model.dispose();
    await model.dispose();
    expect(released).toBe(1);
    await expectGlassboxError(() => model.predict(x), 'INVALID_ARGUMENT', /disposed/);
    x.dispose();
  });
});
