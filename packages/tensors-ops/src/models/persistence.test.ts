// The one persistence API (loadModel / saveModel / encodeModel) and the pretrained-asset loader: a small
// Sequential saved every way comes back with the same weights from every kind of source, the parameter count is
// checked before weights are read, bad sources and options are refused, and nothing leaks.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { io } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { sequential, type Sequential } from '../nn/sequential.js';
import type { LayerSpec } from '../nn/layer-spec.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectOptionTypoRefused } from '../testing/index.js';
import { badWeights, countSpecParams, encodeModel, loadModel, loadPretrainedModel, saveModel, saveModelToDir, topologyOf, type Planner, type SaveSpec } from './index.js';

const SPECS: LayerSpec[] = [
  { type: 'dense', name: 'hidden', units: 3, activation: 'tanh' },
  { type: 'dense', name: 'out', units: 2 },
];
const FORMAT = 'test-sequential';

/** A model kind for the tests: model.json's modelTopology is { kind: 'seq', inputSize }. */
const planner: Planner<Sequential> = (modelJSON, where) => {
  const t = topologyOf(modelJSON, where);
  if (t.kind !== 'seq' || typeof t.inputSize !== 'number') throw badWeights(where, `modelTopology must be { kind: 'seq', inputSize }`);
  const inputShape = [t.inputSize];
  return {
    elements: countSpecParams(SPECS, inputShape, where),
    build(weights) {
      const m = sequential(SPECS, inputShape, { seed: 99 });
      try {
        m.setWeights(weights);
      } catch (e) {
        m.dispose();
        throw e;
      }
      return m;
    },
  };
};

const specOf = (m: Sequential): SaveSpec => ({ weights: () => m.getWeights(), modelTopology: { kind: 'seq', inputSize: 4 }, format: FORMAT });

/** Every weight of a equals b's, bit for bit. */
function sameWeights(a: Sequential, b: Sequential): void {
  const wa = a.getWeights();
  const wb = b.getWeights();
  expect(Object.keys(wb).sort()).toEqual(Object.keys(wa).sort());
  for (const k of Object.keys(wa)) expect(Array.from(wb[k]!.dataSync())).toEqual(Array.from(wa[k]!.dataSync()));
  tf.dispose([...Object.values(wa), ...Object.values(wb)]);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glassbox-persistence-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fetch serving `dir` under http://models.test/, recording the URLs asked for; `rename` maps bundle names to files. */
function fakeFetch(calls: string[], rename: Record<string, string> = {}): typeof fetch {
  return (async (input: string | URL) => {
    const url = new URL(String(input));
    calls.push(url.href);
    const file = rename[url.pathname] ?? url.pathname.slice(1);
    try {
      const bytes = await readFile(join(dir, file));
      return new Response(bytes, { status: 200 });
    } catch {
      return new Response('not found', { status: 404 });
    }
  }) as typeof fetch;
}

describeBackends('loadModel / saveModel / encodeModel', (backend) => {
  it('round-trips through memory, a folder, a model.json path, file: URLs, fetch, ModelArtifacts and a tf.io handler', async () => {
    const m = sequential(SPECS, [4], { seed: 1 });
    const folder = join(dir, `${backend}-model`);
    await expectNoLeaks(() => saveModel(folder, specOf(m), 'test'));
    const json = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8'));
    expect(json.format).toBe(FORMAT);
    expect(json.modelTopology).toEqual({ kind: 'seq', inputSize: 4 });
    const encoded = await expectNoLeaks(() => encodeModel(specOf(m)));
    let artifacts: io.ModelArtifacts | null = null;
    await saveModel(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })), specOf(m), 'test');
    const calls: string[] = [];
    const sources: unknown[] = [
      encoded,
      folder,
      join(folder, 'model.json'),
      pathToFileURL(join(folder, 'model.json')),
      pathToFileURL(join(folder, 'model.json')).href,
      `http://models.test/${backend}-model/model.json`,
      new URL(`http://models.test/${backend}-model/model.json`),
      artifacts!,
      tf.io.fromMemory(artifacts!),
    ];
    for (const source of sources) {
      const before = tf.memory().numTensors;
      const loaded = await loadModel(source, planner, { fetch: fakeFetch(calls) }, 'test');
      // The loaded model holds its own variables and nothing else.
      expect(tf.memory().numTensors - before).toBe(m.params.size);
      sameWeights(m, loaded);
      loaded.dispose();
    }
    expect(calls).toEqual([
      `http://models.test/${backend}-model/model.json`,
      `http://models.test/${backend}-model/weights.bin`,
      `http://models.test/${backend}-model/model.json`,
      `http://models.test/${backend}-model/weights.bin`,
    ]);
    m.dispose();
  });

  it('checks the parameter count against maxElements before reading weights, and refuses bad sources, destinations and options', async () => {
    const m = sequential(SPECS, [4], { seed: 2 });
    const encoded = await encodeModel(specOf(m));
    const params = countSpecParams(SPECS, [4], 'test');
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => loadModel(encoded, planner, { maxElements: params - 1 }, 'test'), 'BAD_WEIGHTS', new RegExp(`${params} parameters, more than options.maxElements`));
      await expectGlassboxError(() => loadModel(42, planner, {}, 'test'), 'INVALID_ARGUMENT', /^test: source must be a folder or model.json path/);
      await expectGlassboxError(() => loadModel('', planner, {}, 'test'), 'INVALID_ARGUMENT', /source must be a non-empty/);
      await expectGlassboxError(() => loadModel(join(dir, 'nothing-here'), planner, {}, 'test'), 'BAD_WEIGHTS', /could not read/);
      await expectGlassboxError(() => loadModel({ load: async () => Promise.reject(new Error('disk gone')) }, planner, {}, 'test'), 'BAD_WEIGHTS', /disk gone/);
      await expectGlassboxError(() => saveModel(42, specOf(m), 'test'), 'INVALID_ARGUMENT', /^test: dest must be a folder path/);
      await expectGlassboxError(() => saveModelToDir('', specOf(m), 'test'), 'INVALID_ARGUMENT', /^test: dir must be a non-empty folder path/);
      // Options are checked first, whatever the source.
      await expectOptionTypoRefused((o) => loadModel(42, planner, o, 'test'), 'maxElement', 'maxElements');
      await expectOptionTypoRefused((o) => loadModel(encoded, planner, o, 'test'), 'fech', 'fetch');
    });
    m.dispose();
  });
});

describeBackends('loadPretrainedModel', (backend) => {
  const catalog = (folder: string, base = pathToFileURL(join(dir, folder) + '/')) => ({
    names: ['tiny', 'other'] as const,
    asset: () => ({ model: new URL('model.json', base), weights: new URL('weights.bin', base) }),
    planner: () => planner,
  });

  it('reads the package files from disk (file: asset), fetches a bundle (model.json and a renamed weights.bin), and follows options.url', async () => {
    const m = sequential(SPECS, [4], { seed: 3 });
    const folder = `${backend}-pretrained`;
    await saveModelToDir(join(dir, folder), specOf(m), 'test');
    const before = tf.memory().numTensors;
    const fromDisk = await loadPretrainedModel('tiny', catalog(folder), {});
    // It holds its own variables and nothing else.
    expect(tf.memory().numTensors - before).toBe(m.params.size);
    sameWeights(m, fromDisk);
    const calls: string[] = [];
    const bundle = {
      names: ['tiny'] as const,
      asset: () => ({ model: new URL('http://app.test/assets/model-1a2b.json'), weights: new URL('http://app.test/assets/weights-3c4d.bin') }),
      planner: () => planner,
    };
    const fetched = await loadPretrainedModel('tiny', bundle, {
      fetch: fakeFetch(calls, { '/assets/model-1a2b.json': `${folder}/model.json`, '/assets/weights-3c4d.bin': `${folder}/weights.bin` }),
    });
    expect(calls).toEqual(['http://app.test/assets/model-1a2b.json', 'http://app.test/assets/weights-3c4d.bin']);
    sameWeights(m, fetched);
    const viaUrl = await loadPretrainedModel('tiny', catalog('nowhere'), { url: new URL(`${folder}/model.json`, pathToFileURL(dir + '/')) });
    sameWeights(m, viaUrl);
    const viaPath = await loadPretrainedModel('tiny', catalog('nowhere'), { url: join(dir, folder) });
    sameWeights(m, viaPath);
    for (const x of [m, fromDisk, fetched, viaUrl, viaPath]) x.dispose();
  });

  it('refuses unknown names, bad urls and misspelt options (INVALID_ARGUMENT) and missing files (BAD_WEIGHTS), without leaks', async () => {
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => loadPretrainedModel('huge', catalog('x'), {}), 'INVALID_ARGUMENT', /name must be one of 'tiny', 'other'/);
      await expectGlassboxError(() => loadPretrainedModel('tiny', catalog('x'), { url: 3 as never }), 'INVALID_ARGUMENT', /options.url must be a URL or a non-empty string/);
      await expectGlassboxError(() => loadPretrainedModel('tiny', catalog('x'), { url: '' }), 'INVALID_ARGUMENT', /options.url/);
      await expectOptionTypoRefused((o) => loadPretrainedModel('tiny', catalog('x'), o), 'URL', 'url');
      await expectGlassboxError(() => loadPretrainedModel('tiny', catalog('missing'), {}), 'BAD_WEIGHTS', /could not read/);
    });
  });
});

