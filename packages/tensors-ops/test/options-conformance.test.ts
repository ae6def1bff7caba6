/**
 * Options are checked by name (issue 17): every exported function of the three entries that takes an options
 * object refuses a misspelt key with INVALID_ARGUMENT naming the key and the intended one. The walk fails when
 * an export is neither in the table nor in the list of functions without an options object, so a new public
 * function has to be classified here.
 */
import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import * as main from '../src/index.js';
import * as poolEntry from '../src/pool/index.js';
import * as modelsEntry from '../src/models/index.js';
import { describeBackends, expectOptionTypoRefused } from '../src/testing/index.js';

const { tf } = main;

type Options = Record<string, unknown>;
/** One misspelt key of one function: `run(options)` calls it with otherwise valid arguments. */
interface Case {
  label: string;
  typo: string;
  meant: string;
  run: (options: Options) => unknown;
}

// Small valid arguments, made once per backend.
let x4: Tensor;
let kernel: Tensor;
let tkernel: Tensor;
let bn: { gamma: Tensor; beta: Tensor; movingMean: Tensor; movingVariance: Tensor };
let model: main.Sequential;
let named: Record<string, Tensor>;
let x3: Tensor;
let w44: Tensor;
let v4: Tensor;
let residual: main.ResidualModel;

const planner: modelsEntry.Planner<number> = () => ({ elements: 0, build: () => 0 });
const encoded = (): main.EncodedWeights => ({ modelJSON: { modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [] }] } as never, weightData: new ArrayBuffer(0) });

const MAIN: Record<string, Case[]> = {
  initBackend: [{ label: 'initBackend', typo: 'backnd', meant: 'backend', run: (o) => main.initBackend(o) }],
  mapBatches: [{ label: 'mapBatches', typo: 'batchsize', meant: 'batchSize', run: (o) => main.mapBatches((t) => tf.relu(t), x4, o) }],
  forEachBatch: [{ label: 'forEachBatch', typo: 'onprogress', meant: 'onProgress', run: (o) => main.forEachBatch(3, () => {}, o) }],
  randomNormal: [{ label: 'randomNormal', typo: 'stdv', meant: 'stdev', run: (o) => main.randomNormal([2], { seed: 1, ...o }) }],
  randomUniform: [{ label: 'randomUniform', typo: 'maxx', meant: 'max', run: (o) => main.randomUniform([2], { seed: 1, ...o }) }],
  prepareExplainer: [{ label: 'prepareExplainer', typo: 'traget', meant: 'target', run: (o) => main.prepareExplainer((t) => tf.relu(t), x4, o, 'fn', main.EXPLAIN_OPTION_KEYS) }],
  autoBatchSize: [{ label: 'autoBatchSize', typo: 'budgt', meant: 'budget', run: (o) => main.autoBatchSize(10, o) }],
  activation: [{ label: 'activation', typo: 'alpah', meant: 'alpha', run: (o) => main.activation(x4, 'leakyRelu', o) }],
  resolveActivation: [{ label: 'resolveActivation', typo: 'alpah', meant: 'alpha', run: (o) => main.resolveActivation('elu', 'fn', 'here', o) }],
  conv2d: [{ label: 'conv2d', typo: 'stride', meant: 'strides', run: (o) => main.conv2d(x4, kernel, null, o) }],
  depthwiseConv2d: [{ label: 'depthwiseConv2d', typo: 'dilation', meant: 'dilations', run: (o) => main.depthwiseConv2d(x4, kernel, null, o) }],
  conv2dTranspose: [{ label: 'conv2dTranspose', typo: 'paddng', meant: 'padding', run: (o) => main.conv2dTranspose(x4, tkernel, null, o) }],
  maxPool: [{ label: 'maxPool', typo: 'poolsize', meant: 'poolSize', run: (o) => main.maxPool(x4, o) }],
  avgPool: [{ label: 'avgPool', typo: 'pool_size', meant: 'poolSize', run: (o) => main.avgPool(x4, o) }],
  batchNorm: [{ label: 'batchNorm', typo: 'trainig', meant: 'training', run: (o) => main.batchNorm(x4, bn, o) }],
  sequential: [{ label: 'sequential', typo: 'sede', meant: 'seed', run: (o) => main.sequential([{ type: 'flatten' }], [2, 2, 1], o) }],
  Sequential: [
    { label: 'Sequential.fromJSON', typo: 'sed', meant: 'seed', run: (o) => main.Sequential.fromJSON(model.toJSON(), o) },
    { label: 'Sequential.apply', typo: 'trainnig', meant: 'training', run: (o) => model.apply(x4, o) },
    { label: 'Sequential.applyWithActivations', typo: 'updatestatistics', meant: 'updateStatistics', run: (o) => model.applyWithActivations(x4, o) },
    { label: 'Sequential.applyLayer', typo: 'seeds', meant: 'seed', run: (o) => model.applyLayer(0, x4, o) },
    { label: 'Sequential.applyLayerLinear', typo: 'Training', meant: 'training', run: (o) => model.applyLayerLinear(0, x4, o) },
    { label: 'Sequential.setWeights', typo: 'allowpartial', meant: 'allowPartial', run: (o) => model.setWeights({}, o) },
  ],
  encodeWeights: [{ label: 'encodeWeights', typo: 'weightPath', meant: 'weightsPath', run: (o) => main.encodeWeights(named, o) }],
  decodeWeights: [{ label: 'decodeWeights', typo: 'maxElement', meant: 'maxElements', run: (o) => main.decodeWeights(encoded().modelJSON, encoded().weightData, o) }],
  toModelArtifacts: [{ label: 'toModelArtifacts', typo: 'allownonfinite', meant: 'allowNonFinite', run: (o) => main.toModelArtifacts(encoded(), o) }],
  fromModelArtifacts: [
    { label: 'fromModelArtifacts', typo: 'maxelements', meant: 'maxElements', run: (o) => main.fromModelArtifacts({ weightSpecs: [], weightData: new ArrayBuffer(0) }, o) },
  ],
  fileIOHandler: [{ label: 'fileIOHandler', typo: 'maxElemnts', meant: 'maxElements', run: (o) => main.fileIOHandler('tmp/none', o) }],
  loadWeightsFromFiles: [{ label: 'loadWeightsFromFiles', typo: 'allowNonFinit', meant: 'allowNonFinite', run: (o) => main.loadWeightsFromFiles('tmp/none', o) }],
  loadWeightsFromUrl: [{ label: 'loadWeightsFromUrl', typo: 'fech', meant: 'fetch', run: (o) => main.loadWeightsFromUrl('https://example.invalid/model.json', o) }],
  layerNorm: [{ label: 'layerNorm', typo: 'epsilion', meant: 'epsilon', run: (o) => main.layerNorm(x3, { gamma: v4, beta: v4 }, o) }],
  gelu: [{ label: 'gelu', typo: 'aproximate', meant: 'approximate', run: (o) => main.gelu(x3, o) }],
  geluMlp: [{ label: 'geluMlp', typo: 'approximat', meant: 'approximate', run: (o) => main.geluMlp(x3, { w1: w44, w2: w44 }, o) }],
  multiHeadAttention: [
    { label: 'multiHeadAttention', typo: 'casual', meant: 'causal', run: (o) => main.multiHeadAttention(x3, { wq: w44, wk: w44, wv: w44, wo: w44 }, { heads: 1, ...o }) },
  ],
  transformerBlock: [
    {
      label: 'transformerBlock',
      typo: 'returnprobs',
      meant: 'returnProbs',
      run: (o) =>
        main.transformerBlock(
          x3,
          { ln1: { gamma: v4, beta: v4 }, attention: { wq: w44, wk: w44, wv: w44, wo: w44 }, ln2: { gamma: v4, beta: v4 }, mlp: { w1: w44, w2: w44 } },
          { heads: 1, ...o },
        ),
    },
  ],
  residualModel: [{ label: 'residualModel', typo: 'sede', meant: 'seed', run: (o) => main.residualModel([{ type: 'layerNorm' }], [2, 4], o) }],
  ResidualModel: [
    { label: 'ResidualModel.fromJSON', typo: 'sed', meant: 'seed', run: (o) => main.ResidualModel.fromJSON(residual.toJSON(), o) },
    { label: 'ResidualModel.apply', typo: 'trainnig', meant: 'training', run: (o) => residual.apply(x3, o) },
    { label: 'ResidualModel.attention', typo: 'paddingmask', meant: 'paddingMask', run: (o) => residual.attention(x3, o) },
    { label: 'ResidualModel.setWeights', typo: 'allowpartial', meant: 'allowPartial', run: (o) => residual.setWeights({}, o) },
    { label: 'ResidualModel.loadFromDir', typo: 'maxElemnts', meant: 'maxElements', run: (o) => main.ResidualModel.loadFromDir('tmp/none', o) },
  ],
  saveWeightsToFiles: [{ label: 'saveWeightsToFiles', typo: 'formt', meant: 'format', run: (o) => main.saveWeightsToFiles('tmp/none', named, o) }],
};

/** Exports of the main entry that take no options object of their own. */
const MAIN_WITHOUT_OPTIONS = new Set([
  'GlassboxError', 'abortError', 'asForward', 'asAsyncForward', 'asyncModelError', 'isAsyncModel', 'modelForwards', 'assertFinite', 'assertFloatTensor', 'assertNumber', 'assertOneOf', 'backendInfo',
  'batchNormMoments', 'checkInput', 'checkModelOutput', 'closestName', 'computeFans', 'createRng', 'declareMethod', 'declareOptionKeys', 'dense', 'globalAvgPool', 'softmaxRow',
  'describe', 'describePoolModel', 'dropout', 'dropoutMask', 'ensureOverrides', 'estimateRowBytes', 'flatten', 'formatShape', 'glorotNormal',
  'glorotUniform', 'heNormal', 'heUniform', 'initialize', 'initializerValues', 'isBroadcastable', 'isGlassboxError', 'isOutOfMemoryError', 'isPool',
  'isTensor', 'measureRowBytes', 'rememberedRowBytes', 'methodInfoOf', 'onesInitializer', 'outOfMemoryError', 'optionDefault', 'optionKeys', 'optionKeysOf', 'outputRegion', 'poolable', 'reshapeRows', 'resolveBaseline',
  'resolveFeatureMask', 'resolvePool', 'resolveTargets', 'selectTarget', 'sequentialOf', 'throwIfAborted', 'updateMovingAverage',
  'yieldToEventLoop', 'zerosInitializer',
  // The option checkers themselves: checkOptionKeys and forwardOptions refuse unknown keys (tested in
  // src/contract/option-keys.test.ts); checkCommonOptions checks the contract's shared keys of an object whose
  // other keys its caller has checked.
  'checkOptionKeys', 'forwardOptions', 'checkCommonOptions',
  // Preparation pacing and plan limits, the gradient-rule scope, lookups and a planner: no options object.
  'maxPlanUnits', 'assertPlanSize', 'createPace', 'runSteps', 'runStepsPaced', 'withNonlinearityRule', 'activeNonlinearityRule',
  'embedding', 'positionalEmbedding', 'planResidualModel', 'assertFiniteOutput', 'assertFiniteScores', 'assertFiniteRows',
  // The switch of the inference-mode batch-norm folding (a boolean).
  'setBatchNormFolding',
  // The explainer runtime's loop pieces: they take what prepareExplainer checked (explainerRun reads only
  // onProgress and signal of options already checked), or single values (booleanOption, checkTargetForm).
  'explainerRun', 'batchRule', 'scoreRows', 'checkOutputWidth', 'poolFor', 'runPooled', 'TargetResolver', 'checkTargetForm',
  'Progress', 'safeGrad', 'safeGradWithValue', 'targetGradient', 'booleanOption',
  // The token-model contract: a type guard, id checks and ids -> scores wrappers (no options object).
  'isTokenModel', 'checkTokenIds', 'checkTokenId', 'lastPositionScores', 'tokenModelForward', 'paddingMaskOf',
  // The model-row builders the explainers and the pool recipes share, and a key-list helper: no options object.
  'pathPoints', 'fillAblated', 'fillCoalition', 'explainKeysWithout',
  // The layer-model contract: a type guard, a name check and a list for messages (no options object).
  'isLayerModel', 'checkLayerName', 'formatLayerNames',
  'embeddingPointsForward', 'poolableTokenForward',
]);

const POOL: Record<string, Case[]> = {
  createPool: [
    { label: 'createPool', typo: 'wokers', meant: 'workers', run: (o) => poolEntry.createPool(o) },
    { label: 'createPool (small jobs)', typo: 'minWork', meant: 'minWorkMs', run: (o) => poolEntry.createPool(o) },
  ],
};
const POOL_WITHOUT_OPTIONS = new Set(['Pool', 'isPool']);

const MODELS: Record<string, Case[]> = {
  checkOptions: [{ label: 'checkOptions', typo: 'epoch', meant: 'epochs', run: (o) => modelsEntry.checkOptions(o, 'train', ['epochs']) }],
  resolveTrainOptions: [{ label: 'resolveTrainOptions', typo: 'learningrate', meant: 'learningRate', run: (o) => modelsEntry.resolveTrainOptions(o, 'train') }],
  resolveEvaluateOptions: [{ label: 'resolveEvaluateOptions', typo: 'batchsize', meant: 'batchSize', run: (o) => modelsEntry.resolveEvaluateOptions(o, 'evaluate', 32) }],
  resolveLoadOptions: [{ label: 'resolveLoadOptions', typo: 'maxElement', meant: 'maxElements', run: (o) => modelsEntry.resolveLoadOptions(o, 'load') }],
  loadEncoded: [{ label: 'loadEncoded', typo: 'maxelements', meant: 'maxElements', run: (o) => modelsEntry.loadEncoded(encoded(), planner, o, 'load') }],
  loadDir: [{ label: 'loadDir', typo: 'maxElemnts', meant: 'maxElements', run: (o) => modelsEntry.loadDir('tmp/none', planner, o, 'loadFromDir') }],
  loadUrl: [{ label: 'loadUrl', typo: 'requestinit', meant: 'requestInit', run: (o) => modelsEntry.loadUrl('https://example.invalid/model.json', planner, o, 'loadFromUrl') }],
  loadModel: [{ label: 'loadModel', typo: 'fech', meant: 'fetch', run: (o) => modelsEntry.loadModel('tmp/none', planner, o, 'load') }],
  loadPretrainedModel: [
    {
      label: 'loadPretrainedModel',
      typo: 'URL',
      meant: 'url',
      run: (o) => modelsEntry.loadPretrainedModel('x', { names: ['x'], asset: () => ({ model: new URL('file:///none/model.json'), weights: new URL('file:///none/weights.bin') }), planner: () => planner }, o),
    },
  ],
};
const MODELS_WITHOUT_OPTIONS = new Set([
  'asBadWeights', 'badWeights', 'checkCallback', 'checkFiniteWeights', 'checkFiniteRows', 'checkRate', 'checkRows', 'checkSeed', 'checkShape', 'checkSignal',
  'checkUnits', 'countSpecParams', 'nodeModules', 'runTraining', 'toEncoded', 'topologyOf',
  // The savers take a destination and the model's SaveSpec, no options.
  'encodeModel', 'saveModel', 'saveModelToDir',
  // A factory of the file functions (each checks its own options through loadEncoded / loadDir).
  'modelFiles',
]);

const ENTRIES: Array<[string, Record<string, unknown>, Record<string, Case[]>, Set<string>]> = [
  ['@glassbox/tensors-ops', main, MAIN, MAIN_WITHOUT_OPTIONS],
  ['@glassbox/tensors-ops/pool', poolEntry, POOL, POOL_WITHOUT_OPTIONS],
  ['@glassbox/tensors-ops/models', modelsEntry, MODELS, MODELS_WITHOUT_OPTIONS],
];

it('every exported function is classified: in the table of misspelt keys, or taking no options object', () => {
  for (const [entry, module, table, without] of ENTRIES) {
    const functions = Object.entries(module).filter(([, v]) => typeof v === 'function').map(([k]) => k);
    const unclassified = functions.filter((name) => !(name in table) && !without.has(name));
    expect(unclassified, `${entry}: functions missing from the options conformance table`).toEqual([]);
    const stale = [...Object.keys(table), ...without].filter((name) => !functions.includes(name));
    expect(stale, `${entry}: names that are not exported functions`).toEqual([]);
  }
});

describeBackends('a misspelt option key is refused, naming the key and the intended one', () => {
  const setUp = (): void => {
    x4 = tf.ones([1, 4, 4, 2]);
    kernel = tf.ones([3, 3, 2, 3]);
    tkernel = tf.ones([3, 3, 3, 2]);
    bn = { gamma: tf.ones([2]), beta: tf.zeros([2]), movingMean: tf.zeros([2]), movingVariance: tf.ones([2]) };
    model = main.sequential([{ type: 'flatten' }, { type: 'dense', units: 2 }], [4, 4, 2]);
    named = { w: tf.ones([2]) };
    x3 = tf.ones([1, 2, 4]);
    w44 = tf.eye(4);
    v4 = tf.ones([4]);
    residual = main.residualModel([{ type: 'layerNorm' }], [2, 4]);
  };
  const tearDown = (): void => {
    tf.dispose([x4, kernel, tkernel, bn.gamma, bn.beta, bn.movingMean, bn.movingVariance, named.w!, x3, w44, v4]);
    model.dispose();
    residual.dispose();
  };
  for (const [entry, , table] of ENTRIES) {
    for (const cases of Object.values(table)) {
      for (const c of cases) {
        it(`${entry}: ${c.label} refuses '${c.typo}' and suggests '${c.meant}'`, async () => {
          setUp();
          try {
            await expectOptionTypoRefused(c.run, c.typo, c.meant);
          } finally {
            tearDown();
          }
        });
      }
    }
  }
});
