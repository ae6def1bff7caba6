import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, Sequential, describe, sequential, type EncodedWeights, type LayerSpec, type SavedFiles } from '@glassbox/tensors-ops';
import {
  CLASSIFIER_FORMAT,
  Classifier,
  cnnSpecs,
  mlpSpecs,
  resolveCnnOptions,
  resolveMlpOptions,
  type ClassifierVariant,
} from './classifier.js';
import {
  asBadWeights,
  badWeights,
  checkSeed,
  countSpecParams,
  encodeModel,
  loadDir,
  loadEncoded,
  saveModelToDir,
  topologyOf,
  type LoadOptions,
  type LoadPlan,
  type SaveSpec,
} from '@glassbox/tensors-ops/models';

export type { LoadOptions, UrlLoadOptions } from '@glassbox/tensors-ops/models';

const VARIANTS: readonly ClassifierVariant[] = ['cnn', 'mlp', 'custom'];

function checkClassifier(model: unknown, where: string): Classifier {
  if (!(model instanceof Classifier)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model must be a Classifier, got ${describe(model)}`);
  }
  if (model.isDisposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: model has been disposed`);
  return model;
}

/**
 * Saves a classifier in the TensorFlow.js format: a model.json object (its `modelTopology` holds the
 * architecture, `{ format: 'glassbox-classifier', version, kind, variant, options, network }`, so that `load`
 * rebuilds the model; its `weightsManifest` lists every weight) and the bytes of weights.bin (little-endian
 * float32). Nothing is written anywhere: write the two yourself, or use `saveToDir` in Node.
 *
 * @param model the classifier.
 * @returns `{ modelJSON, weightData }`.
 * @example
 * ```ts
 * const { modelJSON, weightData } = await save(cnn);
 * const copy = load({ modelJSON, weightData });
 * ```
 */
export async function save(model: Classifier): Promise<EncodedWeights> {
  checkClassifier(model, 'save');
  return encodeModel(saveSpec(model));
}

function saveSpec(model: Classifier): SaveSpec {
  return { weights: () => model.network.getWeights(), modelTopology: model.toJSON() };
}

/** Reads a classifier's modelTopology (no tensors) and counts its parameters. */
export function planClassifier(modelJSON: unknown, where: string): LoadPlan<Classifier> {
  const t = topologyOf(modelJSON, where);
  if (t.format !== CLASSIFIER_FORMAT || t.version !== 1 || t.kind !== 'classifier') {
    throw badWeights(
      where,
      `model.json's modelTopology must describe a classifier ({ format: '${CLASSIFIER_FORMAT}', version: 1, kind: 'classifier' }), got format ${describe(t.format)}, version ${describe(t.version)}, kind ${describe(t.kind)}`,
    );
  }
  const variant = t.variant as ClassifierVariant;
  if (!VARIANTS.includes(variant)) throw badWeights(where, `modelTopology.variant must be one of ${VARIANTS.map((v) => `'${v}'`).join(', ')}, got ${describe(t.variant)}`);
  const network = t.network as { layers?: unknown; inputShape?: unknown } | undefined;
  if (network === null || typeof network !== 'object') throw badWeights(where, `modelTopology.network must be the layers' JSON, got ${describe(network)}`);
  let specs: LayerSpec[];
  let inputShape: number[];
  let options: ReturnType<typeof resolveCnnOptions> | ReturnType<typeof resolveMlpOptions> | { seed: number };
  if (variant === 'cnn') {
    const o = asBadWeights(where, () => resolveCnnOptions(t.options, 'modelTopology'));
    options = o;
    specs = cnnSpecs(o);
    inputShape = o.inputShape.slice();
  } else if (variant === 'mlp') {
    const o = asBadWeights(where, () => resolveMlpOptions(t.options, 'modelTopology'));
    options = o;
    specs = mlpSpecs(o);
    inputShape = [o.inputSize];
  } else {
    const seed = asBadWeights(where, () => checkSeed((t.options as { seed?: unknown } | undefined)?.seed, 'options.seed', 'modelTopology'));
    options = { seed };
    specs = network.layers as LayerSpec[];
    inputShape = network.inputShape as number[];
  }
  const elements = countSpecParams(specs, inputShape, where);
  return {
    elements,
    build(weights: Record<string, Tensor>): Classifier {
      const net: Sequential = asBadWeights(where, () => sequential(specs, inputShape, { seed: options.seed }));
      try {
        if (JSON.stringify(net.toJSON().layers) !== JSON.stringify(network.layers) || JSON.stringify(net.inputShape) !== JSON.stringify(network.inputShape)) {
          throw badWeights(where, `modelTopology.network does not match the layers its options describe`);
        }
        if (net.countParams() !== elements) throw badWeights(where, `the model has ${net.countParams()} parameters, expected ${elements}`);
        net.setWeights(weights);
        if (variant === 'custom' && (net.outputShape.length !== 1 || net.outputShape[0]! < 2)) {
          throw badWeights(where, `the layers must output one logit per class, got rows of shape [${net.outputShape.join(', ')}]`);
        }
        return new Classifier(net, variant, options);
      } catch (e) {
        net.dispose();
        throw e;
      }
    },
  };
}

/**
 * Rebuilds a classifier from what `save` returned (or tf.io ModelArtifacts): the architecture from
 * modelTopology, then the weights, all checked before the model is made: a truncated, oversized or
 * mismatched weights file, unknown or missing weights, wrong shapes or non-finite values give BAD_WEIGHTS,
 * and a manifest claiming more parameters than the architecture has is refused without allocating.
 *
 * @param artifacts `{ modelJSON, weightData }` or tf.io ModelArtifacts.
 * @param options `maxElements` (most parameters, default 50_000_000).
 * @returns a new Classifier the caller owns.
 * @throws GlassboxError BAD_WEIGHTS, INVALID_ARGUMENT; nothing leaks.
 */
export function load(artifacts: EncodedWeights | object, options: LoadOptions = {}): Classifier {
  return loadEncoded(artifacts, planClassifier, options, 'load');
}

/**
 * Saves a classifier as model.json + weights.bin in a folder (created if needed). Node only.
 * @returns the paths written and the weight bytes.
 */
export async function saveToDir(model: Classifier, dir: string): Promise<SavedFiles> {
  const where = 'saveToDir';
  checkClassifier(model, where);
  return saveModelToDir(dir, saveSpec(model), where);
}

/**
 * Loads a classifier saved with `saveToDir` (or any model.json + weights.bin written from `save`). Node
 * only. model.json is checked and the parameters counted before weights.bin is read; the file's size must
 * match the manifest exactly.
 * @param dir the folder (or the path of its model.json).
 * @param options `maxElements` (default 50_000_000).
 * @throws GlassboxError BAD_WEIGHTS (missing files, bad JSON, sizes or shapes that do not match).
 */
export function loadFromDir(dir: string, options: LoadOptions = {}): Promise<Classifier> {
  return loadDir(dir, planClassifier, options, 'loadFromDir');
}
