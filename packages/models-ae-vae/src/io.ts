import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, describe } from '@glassbox/tensors-ops';
import { decoderSpecs, encoderSpecs } from './architectures.js';
import { Autoencoder, resolveAutoencoderOptions } from './autoencoder.js';
import { AE_VAE_FORMAT } from './latent-model.js';
import { VAE, resolveVaeOptions } from './vae.js';
import { asBadWeights, badWeights, countSpecParams, modelFiles, topologyOf, type ModelFiles, type LoadPlan, type SaveSpec } from '@glassbox/tensors-ops/models';

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

function saveSpec(model: unknown, where: string): SaveSpec {
  const m = checkModel(model, where);
  return { weights: () => m.getWeights(), modelTopology: m.toJSON() };
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
 * What `save` gives: a model.json object (its `modelTopology` holds
 * the architecture, `{ format: 'glassbox-ae-vae', version, kind, options, encoder, decoder }`, so that `load`
 * rebuilds the model; its `weightsManifest` lists the weights 'encoder/...', 'decoder/...' and, for an
 * autoencoder, 'latent/mean' and 'latent/std') and the bytes of weights.bin.
 *
 * @example
 * ```ts
 * const { modelJSON, weightData } = await save(model);
 * const copy = load({ modelJSON, weightData });
 * ```
 */
export const { save, load, saveToDir, loadFromDir }: ModelFiles<LatentVariableModel> = modelFiles({ planner: planLatentModel, saveSpec });
