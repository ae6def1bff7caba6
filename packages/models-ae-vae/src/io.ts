import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, describe, type EncodedWeights, type SavedFiles } from '@glassbox/tensors-ops';
import { decoderSpecs, encoderSpecs } from './architectures.js';
import { Autoencoder, resolveAutoencoderOptions } from './autoencoder.js';
import { AE_VAE_FORMAT } from './latent-model.js';
import { VAE, resolveVaeOptions } from './vae.js';
import {
  asBadWeights,
  badWeights,
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

/** An autoencoder or a VAE, as `load` returns it (tell them apart by `kind`: 'ae' or 'vae'). */
export type LatentVariableModel = Autoencoder | VAE;

function checkModel(model: unknown, where: string): LatentVariableModel {
  if (!(model instanceof Autoencoder) && !(model instanceof VAE)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model must be an Autoencoder or a VAE, got ${describe(model)}`);
  }
  if (model.isDisposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: model has been disposed`);
  return model;
}

/**
 * Saves an autoencoder or a VAE in the TensorFlow.js format: a model.json object (its `modelTopology` holds
 * the architecture, `{ format: 'glassbox-ae-vae', version, kind, options, encoder, decoder }`, so that `load`
 * rebuilds the model; its `weightsManifest` lists the weights 'encoder/...', 'decoder/...' and, for an
 * autoencoder, 'latent/mean' and 'latent/std') and the bytes of weights.bin. Nothing is written anywhere:
 * write the two yourself, or use `saveToDir` in Node.
 *
 * @example
 * ```ts
 * const { modelJSON, weightData } = await save(model);
 * const copy = load({ modelJSON, weightData });
 * ```
 */
export async function save(model: LatentVariableModel): Promise<EncodedWeights> {
  checkModel(model, 'save');
  return encodeModel(saveSpec(model));
}

function saveSpec(model: LatentVariableModel): SaveSpec {
  return { weights: () => model.getWeights(), modelTopology: model.toJSON() };
}

/** Reads an autoencoder's or VAE's modelTopology (no tensors) and counts its parameters. */
export function planLatentModel(modelJSON: unknown, where: string): LoadPlan<LatentVariableModel> {
  const t = topologyOf(modelJSON, where);
  if (t.format !== AE_VAE_FORMAT || t.version !== 1 || (t.kind !== 'ae' && t.kind !== 'vae')) {
    throw badWeights(
      where,
      `model.json's modelTopology must describe an autoencoder or a VAE ({ format: '${AE_VAE_FORMAT}', version: 1, kind: 'ae' | 'vae' }), got format ${describe(t.format)}, version ${describe(t.version)}, kind ${describe(t.kind)}`,
    );
  }
  const kind = t.kind;
  const o = asBadWeights(where, () => (kind === 'ae' ? resolveAutoencoderOptions(t.options, 'modelTopology') : resolveVaeOptions(t.options, 'modelTopology')));
  const encoder = encoderSpecs(o, kind === 'ae' ? o.latentDim : 2 * o.latentDim, kind === 'ae' ? 'latent' : 'moments');
  const elements =
    countSpecParams(encoder, o.inputShape, where) + countSpecParams(decoderSpecs(o), [o.latentDim], where) + (kind === 'ae' ? 2 * o.latentDim : 0);
  return {
    elements,
    build(weights: Record<string, Tensor>): LatentVariableModel {
      const model = asBadWeights(where, () =>
        kind === 'ae' ? Autoencoder.fromOptions(o as ReturnType<typeof resolveAutoencoderOptions>) : VAE.fromOptions(o as ReturnType<typeof resolveVaeOptions>),
      );
      try {
        const json = model.toJSON();
        if (JSON.stringify(json.encoder) !== JSON.stringify(t.encoder) || JSON.stringify(json.decoder) !== JSON.stringify(t.decoder)) {
          throw badWeights(where, `modelTopology.encoder / decoder do not match the layers its options describe`);
        }
        if (model.countParams() !== elements) throw badWeights(where, `the model has ${model.countParams()} parameters, expected ${elements}`);
        model.setWeights(weights, where);
        return model;
      } catch (e) {
        model.dispose();
        throw e;
      }
    },
  };
}

/**
 * Rebuilds an autoencoder or a VAE from what `save` returned (or tf.io ModelArtifacts): the architecture
 * from modelTopology, then the weights, all checked before the model is made: a truncated, oversized or
 * mismatched weights file, unknown or missing weights, wrong shapes or non-finite values give BAD_WEIGHTS,
 * and a manifest claiming more parameters than the architecture has is refused without allocating.
 *
 * @param artifacts `{ modelJSON, weightData }` or tf.io ModelArtifacts.
 * @param options `maxElements` (most parameters, default 50_000_000).
 * @returns a new Autoencoder or VAE (see `kind`) that the caller owns.
 * @throws GlassboxError BAD_WEIGHTS, INVALID_ARGUMENT; nothing leaks.
 */
export function load(artifacts: EncodedWeights | object, options: LoadOptions = {}): LatentVariableModel {
  return loadEncoded(artifacts, planLatentModel, options, 'load');
}

/** Saves an autoencoder or a VAE as model.json + weights.bin in a folder (created if needed). Node only. */
export async function saveToDir(model: LatentVariableModel, dir: string): Promise<SavedFiles> {
  const where = 'saveToDir';
  checkModel(model, where);
  return saveModelToDir(dir, saveSpec(model), where);
}

/**
 * Loads a model saved with `saveToDir` (model.json + weights.bin). Node only. model.json is checked and the
 * parameters counted before weights.bin is read; the file's size must match the manifest exactly.
 * @param dir the folder (or the path of its model.json).
 * @param options `maxElements` (default 50_000_000).
 * @throws GlassboxError BAD_WEIGHTS (missing files, bad JSON, sizes or shapes that do not match).
 */
export function loadFromDir(dir: string, options: LoadOptions = {}): Promise<LatentVariableModel> {
  return loadDir(dir, planLatentModel, options, 'loadFromDir');
}
