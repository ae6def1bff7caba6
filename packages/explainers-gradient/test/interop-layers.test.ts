/**
 * Users bring their own TensorFlow.js models: a tfjs-layers model is explained through its predict(), both
 * when built in memory and when loaded from a model.json + weights.bin pair.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { integratedGradients, noiseTunnel, saliency } from '../src/index.js';
import { normals, uniforms } from '../src/testing-internal/models.js';

const P = 4;
const H = 6;
const K = 3;
const W1 = normals(101, P * H, 0.6);
const B1 = normals(102, H, 0.2);
const W2 = normals(103, H * K, 0.6);
const B2 = normals(104, K, 0.2);

function buildModel(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: H, activation: 'tanh', inputShape: [P] }), tfl.layers.dense({ units: K })],
  });
  const weights = [tf.tensor2d(W1, [P, H]), tf.tensor1d(B1), tf.tensor2d(W2, [H, K]), tf.tensor1d(B2)];
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

/** dF_t/dx_j = sum_h W1[j, h] (1 - tanh(z_h)^2) W2[h, t], in float64. */
function expectedGradient(xv: Float32Array, n: number, t: number): Float64Array {
  const out = new Float64Array(n * P);
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < H; h++) {
      let z = B1[h]!;
      for (let j = 0; j < P; j++) z += xv[i * P + j]! * W1[j * H + h]!;
      const d = 1 - Math.tanh(z) ** 2;
      for (let j = 0; j < P; j++) out[i * P + j] += W1[j * H + h]! * d * W2[h * K + t]!;
    }
  }
  return out;
}

describeBackends('interop with @tensorflow/tfjs-layers', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'glassbox-layers-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('explains a tfl.sequential model through predict (saliency by hand, IG completeness)', async () => {
    const model = buildModel();
    const xv = uniforms(7, 5 * P, -1, 1);
    const x = tf.tensor2d(xv, [5, P]);
    await expectNoLeaks(async () => {
      const s = await saliency(model, x, { target: 2, abs: false });
      expectTensorClose(s.attributions, expectedGradient(xv, 5, 2), 1e-5);
      const ig = await integratedGradients(model, x, { target: 2, steps: 32 });
      expect(Math.max(...Array.from(ig.delta!.dataSync(), Math.abs))).toBeLessThan(1e-4);
      const sg = await noiseTunnel(saliency, { samples: 4, stdev: 0.05, seed: 1 })(model, x, { target: 0 });
      expect(sg.attributions.shape).toEqual([5, P]);
      for (const t of [s.attributions, ig.attributions, ig.delta!, sg.attributions]) t.dispose();
    });
    x.dispose();
    model.dispose();
  });

  it('explains a model loaded from model.json + weights.bin with the same numbers', async () => {
    const original = buildModel();
    // Save: the model.json / weights.bin pair a user gets from model.save('file://...') or the Python converter.
    await original.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weightData = artifacts.weightData as ArrayBuffer;
        writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weightData));
        writeFileSync(
          join(dir, 'model.json'),
          JSON.stringify({
            format: 'layers-model',
            modelTopology: artifacts.modelTopology,
            weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
          }),
        );
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    // Load through a custom IOHandler that reads the two files.
    const loaded = await tfl.loadLayersModel({
      load: async () => {
        const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
        const bin = readFileSync(join(dir, 'weights.bin'));
        return {
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0].weights,
          weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
        };
      },
    });
    const xv = uniforms(8, 3 * P, -1, 1);
    const x = tf.tensor2d(xv, [3, P]);
    const a = await integratedGradients(loaded, x, { target: 1, steps: 16 });
    const b = await integratedGradients(original, x, { target: 1, steps: 16 });
    expectTensorClose(a.attributions, b.attributions, 1e-6);
    const s = await saliency(loaded as unknown as { predict(x: Tensor): Tensor }, x, { target: 1, abs: false });
    expectTensorClose(s.attributions, expectedGradient(xv, 3, 1), 1e-5);
    for (const t of [a.attributions, a.delta!, b.attributions, b.delta!, s.attributions, x]) t.dispose();
    loaded.dispose();
    original.dispose();
  });
});
