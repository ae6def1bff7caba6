import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, Sequential, describe, sequential, type LayerSpec } from '@glassbox/tensors-ops';
import {
  CLASSIFIER_FORMAT,
  Classifier,
  cnnSpecs,
  mlpSpecs,
  resolveCnnOptions,
  resolveMlpOptions,
  type ClassifierVariant,
} from './classifier.js';
import { asBadWeights, badWeights, checkSeed, countSpecParams, modelFiles, topologyOf, type ModelFiles, type LoadPlan, type SaveSpec } from '@glassbox/tensors-ops/models';

export type { LoadOptions, UrlLoadOptions } from '@glassbox/tensors-ops/models';

const VARIANTS: readonly ClassifierVariant[] = ['cnn', 'mlp', 'custom'];

function checkClassifier(model: unknown, where: string): Classifier {
  if (!(model instanceof Classifier)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model must be a Classifier, got ${describe(model)}`);
  }
  if (model.isDisposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: model has been disposed`);
  return model;
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

function saveSpec(model: unknown, where: string): SaveSpec {
  const m = checkClassifier(model, where);
  return { weights: () => m.network.getWeights(), modelTopology: m.toJSON() };
}

/**
 * The file functions, made by tensors-ops/models' `modelFiles` (the same for every models package):
 * - `save(model)` -> `{ modelJSON, weightData }` in memory; `load(artifacts, { maxElements })` rebuilds it;
 * - `saveToDir(model, dir)` and `loadFromDir(dir, { maxElements })` in Node (model.json + weights.bin).
 *
 * Loading checks the architecture in modelTopology and counts its parameters before any weight is read, then
 * refuses a truncated, oversized or mismatched weights file, unknown or missing weights, wrong shapes or
 * non-finite values with BAD_WEIGHTS; nothing leaks.
 *
 * What `save` gives: a model.json object (its `modelTopology` holds the
 * architecture, `{ format: 'glassbox-classifier', version, kind, variant, options, network }`, so that `load`
 * rebuilds the model; its `weightsManifest` lists every weight) and the bytes of weights.bin (little-endian
 * float32).
 *
 * @example
 * ```ts
 * const { modelJSON, weightData } = await save(cnn);
 * const copy = load({ modelJSON, weightData });
 * ```
 */
export const { save, load, saveToDir, loadFromDir }: ModelFiles<Classifier> = modelFiles({ planner: planClassifier, saveSpec });
