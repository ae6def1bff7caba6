/**
 * Layer methods on user models: the tfjs-layers and graph wrappers are tensors-ops LayerModels by layer / node name,
 * residual graphs included. A small functional model with a residual Add (fixed seeds) is checked against
 * computations built by hand from its layers (layer.apply on tensors, tf.grad), and the graph form of the
 * pytorch-cnn fixture against its layers form.
 */
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, tf, type Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { gradCam, layerActivation, layerIntegratedGradients } from '@glassbox/explainers-gradient';
import { fromLayersModel, loadGraphModel, loadLayersModel, type TfjsModel } from '../src/index.js';
import { writePytorchCnnForms } from './fixtures/pytorch-cnn-forms.js';

const tmp = fileURLToPath(new URL('../tmp/layer-model/', import.meta.url));

/** input [6,6,2] -> c1 (conv, relu) -> c2 (conv, relu) -> add(c1, c2) -> c3 (conv, stride 2, relu) -> gap -> out (3 logits). */
function residualNet(): tfl.LayersModel {
  let seed = 11;
  const init = () => tfl.initializers.glorotUniform({ seed: seed++ });
  const bias = () => tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed++ });
  const input = tfl.input({ shape: [6, 6, 2] });
  const conv = (name: string, filters: number, strides = 1) =>
    tfl.layers.conv2d({ name, filters, kernelSize: 3, strides, padding: 'same', activation: 'relu', kernelInitializer: init(), biasInitializer: bias() });
  const c1 = conv('c1', 3).apply(input) as tfl.SymbolicTensor;
  const c2 = conv('c2', 3).apply(c1) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'add' }).apply([c1, c2]) as tfl.SymbolicTensor;
  const c3 = conv('c3', 4, 2).apply(sum) as tfl.SymbolicTensor;
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(c3) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'out', units: 3, kernelInitializer: init(), biasInitializer: bias() }).apply(gap) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** The model's pieces applied by hand: a1 = c1(x), and the rest of the model from a1 with c2's output given. */
function pieces(model: tfl.LayersModel) {
  const ap = (name: string, t: Tensor | Tensor[]) => model.getLayer(name).apply(t) as Tensor;
  return {
    c1: (x: Tensor) => ap('c1', x),
    c2: (a1: Tensor) => ap('c2', a1),
    rest: (a1: Tensor, v: Tensor) => ap('out', ap('gap', ap('c3', ap('add', [a1, v])))),
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The values of what fn returns (a tensor or an attribution), read and freed, checking nothing else is left. */
async function clean(fn: () => Tensor | Tensor[] | Promise<Tensor | { attributions: Tensor; delta?: Tensor }>): Promise<Float32Array[]> {
  return expectNoLeaks(async () => {
    const r = await fn();
    if (Array.isArray(r)) return r.map(take);
    if (!(r instanceof tf.Tensor) && 'attributions' in r) {
      r.delta?.dispose();
      return [take(r.attributions)];
    }
    return [take(r)];
  });
}

function take(t: Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

describeBackends('tfjs-layers models as LayerModels (residual graph)', () => {
  let net: tfl.LayersModel;
  let model: TfjsModel;
  let x: Tensor;
  beforeAll(async () => {
    net = residualNet();
    model = await fromLayersModel(net);
    x = tf.tensor4d(createRng(5).uniformArray(2 * 6 * 6 * 2), [2, 6, 6, 2]);
    // tfjs-layers makes a tensor or so on a model's first call: make them before counting.
    tf.tidy(() => model.predict(x));
    tf.tidy(() => model.forwardWithLayer(x, 'c2', model.layerOutput(x, 'c2')));
  });
  afterAll(() => {
    model.dispose();
    net.dispose();
    x.dispose();
  });

  it('lists the layers that run once with one output, input layer left out', () => {
    expect(model.layerNames).toEqual(['c1', 'c2', 'add', 'c3', 'gap', 'out']);
  });

  it('forwardWithLayer(x, L, layerOutput(x, L)) equals predict(x) at every layer; layerOutput equals the layer applied by hand', async () => {
    const p = pieces(net);
    const want = take(model.predict(x));
    for (const layer of model.layerNames) {
      const [got] = await clean(() => tf.tidy(() => model.forwardWithLayer(x, layer, model.layerOutput(x, layer))));
      expect(maxAbsDiff(got!, want)).toBeLessThan(1e-5);
    }
    const [a2] = await clean(() => model.layerOutput(x, 'c2'));
    expect(maxAbsDiff(a2!, take(tf.tidy(() => p.c2(p.c1(x)))))).toBeLessThan(1e-6);
    // The input side: c3 reads add(c1, c2).
    const [in3] = await clean(() => model.layerInput!(x, 'c3'));
    expect(maxAbsDiff(in3!, take(tf.tidy(() => tf.add(p.c1(x), p.c2(p.c1(x))))))).toBeLessThan(1e-6);
  });

  it("replacing c2's output keeps the skip connection on x: forwardWithLayer(x, 'c2', v) = rest(c1(x), v), gradients flow to x and v", async () => {
    const p = pieces(net);
    const v = tf.tensor4d(createRng(9).uniformArray(2 * 6 * 6 * 3), [2, 6, 6, 3]);
    const [got] = await clean(() => model.forwardWithLayer(x, 'c2', v));
    expect(maxAbsDiff(got!, take(tf.tidy(() => p.rest(p.c1(x), v))))).toBeLessThan(1e-5);
    const score = (f: (xx: Tensor, vv: Tensor) => Tensor) => (xx: Tensor, vv: Tensor) => tf.sum(tf.slice(f(xx, vv), [0, 1], [-1, 1]));
    const ours = await clean(() => tf.grads(score((xx, vv) => model.forwardWithLayer(xx, 'c2', vv)))([x, v]));
    const hand = tf.grads(score((xx, vv) => p.rest(p.c1(xx), vv)))([x, v]);
    expect(maxAbsDiff(ours[0]!, take(hand[0]!))).toBeLessThan(1e-5);
    expect(maxAbsDiff(ours[1]!, take(hand[1]!))).toBeLessThan(1e-5);
    v.dispose();
  });

  it('gradCam at c2 (inside the residual branch) equals the map built by hand with tf.grad, for each class', async () => {
    const p = pieces(net);
    let largest = 0;
    for (const target of [0, 1, 2]) {
      const [attributions] = await clean(() => gradCam(model, x, { layer: 'c2', target }));
      const want = tf.tidy(() => {
        const a1 = p.c1(x);
        const a = p.c2(a1);
        const g = tf.grad((v: Tensor) => tf.sum(tf.slice(p.rest(a1, v), [0, target], [-1, 1])))(a);
        const cam = tf.relu(tf.sum(tf.mul(a, tf.mean(g, [1, 2], true)), 3, true)); // [2, 6, 6, 1], the input's size
        return tf.mul(tf.onesLike(x), cam);
      });
      const w = take(want);
      largest = Math.max(largest, ...w);
      expect(maxAbsDiff(attributions!, w)).toBeLessThan(1e-5);
    }
    expect(largest).toBeGreaterThan(1e-4);
  });

  it('layerIntegratedGradients at c2 equals integrated gradients of rest(c1(x), v) along v from c2(c1(0)) to c2(c1(x)), built by hand', async () => {
    const p = pieces(net);
    const target = 0;
    const [attributions] = await clean(() => layerIntegratedGradients(model, x, { layer: 'c2', target, steps: 64 }));
    // Independent integral: the midpoint rule with 2000 steps, one row at a time.
    const steps = 2000;
    const want = tf.tidy(() => {
      const rows: Tensor[] = [];
      for (let i = 0; i < 2; i++) {
        const xi = tf.slice(x, i, 1);
        const a1 = p.c1(xi);
        const a = p.c2(a1);
        const a0 = p.c2(p.c1(tf.zerosLike(xi)));
        const alphas = tf.reshape(tf.div(tf.add(tf.range(0, steps, 1, 'float32'), 0.5), steps), [steps, 1, 1, 1]);
        const path = tf.add(a0, tf.mul(alphas, tf.sub(a, a0)));
        const a1s = tf.tile(a1, [steps, 1, 1, 1]);
        const g = tf.grad((v: Tensor) => tf.sum(tf.slice(p.rest(a1s, v), [0, target], [-1, 1])))(path);
        rows.push(tf.mul(tf.sub(a, a0), tf.mean(g, 0, true)));
      }
      return tf.concat(rows, 0);
    });
    const w = take(want);
    const scale = Math.max(...w.map(Math.abs));
    expect(scale).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(attributions!, w)).toBeLessThan(2e-3 * scale);
  });

  it('layerActivation reads a layer by name', async () => {
    const p = pieces(net);
    const [r] = await clean(() => layerActivation(model, x, { layer: 'add' }));
    const want = take(tf.tidy(() => tf.add(p.c1(x), p.c2(p.c1(x)))));
    expect(maxAbsDiff(r!, want)).toBeLessThan(1e-6);
  });

  it('refuses unknown layer names naming the known ones, and misshapen values; nothing leaks', async () => {
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => model.layerOutput(x, 'conv9'), 'INVALID_ARGUMENT', /layer must be one of 'c1', 'c2', 'add', 'c3', 'gap', 'out', got 'conv9'/);
      await expectGlassboxError(() => gradCam(model, x, { layer: 'nope', target: 0 }), 'INVALID_ARGUMENT', /options\.layer must be one of 'c1', 'c2'.*got 'nope'/);
      const bad = tf.zeros([2, 6, 6, 4]);
      await expectGlassboxError(() => model.forwardWithLayer(x, 'c2', bad), 'SHAPE_MISMATCH', /value must have the shape of the output of layer 'c2', \[2, 6, 6, 3\], got \[2, 6, 6, 4\]/);
      const short = tf.zeros([1, 6, 6, 3]);
      await expectGlassboxError(() => model.forwardWithLayer(x, 'c2', short), 'SHAPE_MISMATCH', /\[2, 6, 6, 3\], got \[1, 6, 6, 3\]/);
      tf.dispose([bad, short]);
    });
  });

  it('a layer called twice (shared) is refused by the layer methods with the reason', async () => {
    const input = tfl.input({ shape: [4] });
    const shared = tfl.layers.dense({ name: 'shared', units: 4, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) });
    const h = shared.apply(shared.apply(input)) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'head', units: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }).apply(h) as tfl.SymbolicTensor;
    const twice = tfl.model({ inputs: input, outputs: out });
    const m = await fromLayersModel(twice);
    const xs = tf.ones([1, 4]);
    tf.tidy(() => m.predict(xs));
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => m.layerOutput(xs, 'shared'), 'INVALID_ARGUMENT', /layer 'shared' is called more than once/);
      const y = tf.tidy(() => m.forwardWithLayer(xs, 'head', m.layerOutput(xs, 'head')));
      expect(maxAbsDiff(take(y), take(m.predict(xs)))).toBe(0);
    });
    xs.dispose();
    m.dispose();
    twice.dispose();
  });
});

describeBackends('graph models as LayerModels by node name (pytorch-cnn fixture)', () => {
  let layers: TfjsModel;
  let graph: TfjsModel;
  let x: Tensor;
  beforeAll(async () => {
    rmSync(tmp, { recursive: true, force: true });
    const paths = await writePytorchCnnForms(tfl, tmp);
    layers = await loadLayersModel(paths.layers);
    graph = await loadGraphModel(paths.graph);
    x = tf.tensor4d(createRng(4).uniformArray(2 * 32 * 32 * 3), [2, 32, 32, 3]);
    tf.tidy(() => [layers.predict(x), graph.predict(x)]);
  });
  afterAll(() => {
    layers.dispose();
    graph.dispose();
    x.dispose();
  });

  it('lists operation nodes (no weights, no placeholder); forwardWithLayer with the node output fed equals predict', async () => {
    expect(graph.layerNames).toContain('conv2/Relu');
    expect(graph.layerNames.some((n) => n.endsWith('/kernel') || n === graph.inputShape.toString())).toBe(false);
    const want = take(graph.predict(x));
    for (const node of graph.layerNames) {
      const [got] = await clean(() => tf.tidy(() => graph.forwardWithLayer(x, node, graph.layerOutput(x, node))));
      expect(maxAbsDiff(got!, want)).toBeLessThan(1e-5);
    }
  });

  it("gradCam at graph node 'conv2/Relu' equals gradCam at layers layer 'conv2' within 1e-5", async () => {
    const [a] = await clean(() => gradCam(graph, x, { layer: 'conv2/Relu', target: 1 }));
    const b = await gradCam(layers, x, { layer: 'conv2', target: 1 });
    const bv = take(b.attributions);
    expect(Math.max(...bv)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(a!, bv)).toBeLessThan(1e-5);
  });

  it('refuses an unknown node naming known ones', async () => {
    await expectNoLeaks(() => expectGlassboxError(() => graph.layerOutput(x, 'conv9/Relu'), 'INVALID_ARGUMENT', /layer must be one of .*'conv2\/Relu'.*got 'conv9\/Relu'/));
  });
});
