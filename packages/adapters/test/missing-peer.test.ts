/**
 * The model loaders' peers are optional: when one is not installed, the loader that needs it is refused with
 * BACKEND_UNAVAILABLE naming the package to install (simulated here by making the import fail), and the other
 * loaders and the image helpers are unaffected.
 */
import { expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { initBackend } from '@glassbox/tensors-ops';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { loadGraphModel, loadLayersModel, loadOnnx, fromLayersModel } from '../src/index.js';
import { ONNX_PATH, graphModelFiles, readPytorchCnn } from './fixtures/pytorch-cnn-forms.js';

vi.mock('onnxruntime-web', () => {
  throw new Error("Cannot find package 'onnxruntime-web'");
});
vi.mock('@tensorflow/tfjs-layers', () => {
  throw new Error("Cannot find package '@tensorflow/tfjs-layers'");
});

it('a loader whose peer is missing says which package to install', async () => {
  await initBackend({ backend: 'cpu' });
  await expectGlassboxError(() => loadOnnx(new Uint8Array(readFileSync(ONNX_PATH)), { layout: 'NCHW' }), 'BACKEND_UNAVAILABLE', /ONNX models need the optional package onnxruntime-web.*npm install onnxruntime-web/);
  const layersJson = new TextEncoder().encode(JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential', config: {} }, weightsManifest: [] }));
  await expectGlassboxError(() => loadLayersModel({ 'model.json': layersJson }), 'BACKEND_UNAVAILABLE', /npm install @tensorflow\/tfjs-layers@4\.22/);
  const model = { apply: () => null, layers: [], inputs: [], outputs: [] };
  await expectGlassboxError(() => fromLayersModel(model), 'BACKEND_UNAVAILABLE', /@tensorflow\/tfjs-layers/);
  // tfjs-converter is there: the graph model still loads.
  const graph = await loadGraphModel(graphModelFiles(readPytorchCnn().weights));
  expect(graph.kind).toBe('graph');
  graph.dispose();
});
