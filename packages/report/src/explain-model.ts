import type { ExplainModelOptions, ReportData, ReportModel, ReportResult } from './types.js';
import { makeContext } from './internal/context.js';
import { resolveSettings } from './internal/settings.js';
import { TensorScope } from './internal/stages.js';
import { resolveArguments } from './internal/validate.js';
import { kindAdapter } from './kinds/index.js';

/**
 * Explains a model with the suite of methods that fits its kind, scores the explanations, and returns
 * everything as plain data (render it with `renderReport`, save it with `JSON.stringify`).
 *
 * Intuition: no single explainer is right for every question or every model. A classifier gets several
 * attribution methods that disagree in instructive ways (local gradients, path integrals, smoothed
 * gradients, occlusion, Shapley values on patches, Grad-CAM), each checked against the model by
 * faithfulness metrics (deletion / insertion curves against a random order, infidelity), robustness
 * (max-sensitivity) and readability (sparseness), and ranked. Generative models are explained by composing
 * (`outputRegion` turns "this part of the image" into a score): which latent dimensions make each region of
 * a reconstruction or generated image, which pixels drive each latent dimension, what each dimension
 * controls (traversals), what the discriminator looks at, and which input pixels made each part of a
 * translation.
 *
 * Suites (names for `options.methods`, see `REPORT_METHODS`):
 *  - classifier: saliency, integratedGradients, noiseTunnel (SmoothGrad), occlusion, kernelShap (patches),
 *    gradCam (when the model has split(layer) and a gradCamLayer or a 'conv2d' layer); metrics for each:
 *    deletion and insertion curves with their random-order reference, infidelity, sensitivityMax (on the
 *    first `settings.sensitivityRows` inputs), sparseness, completeness (IG, KernelSHAP); a ranking table.
 *    Grad-CAM also runs on a model that is a tensors-ops LayerModel (the adapters' layers and graph models) at
 *    its `gradCamLayer`, without a split. An asynchronous classifier (predict answers with a Promise: an ONNX model
 *    from loadOnnx, see `AsyncClassifierModel`) gets the methods that only call the model (occlusion, kernelShap)
 *    with every metric; the gradient methods are listed in `meta.skipped` with the reason.
 *  - ae / vae: latentSensitivity, latentTraversal, encoderSaliency, latentAttribution (quadrants, centre).
 *  - gan: discriminatorSaliency (real and generated images), latentAttribution of the generated images.
 *  - cyclegan: regionSaliency, regionIntegratedGradients (input pixels of each region of the translation),
 *    discriminatorSaliency (with discriminatorB).
 *  - text-classifier (data: texts): integratedGradients (through the embeddings), occlusion (one token at a
 *    time), kernelShap and lime (tokens as features), attentionRollout; per-token scores of each text, and
 *    compareExplainers' deletion / insertion (mask token) and sparseness ranking. Defaults: igSteps 16,
 *    kernelShapSamples 64 (KernelSHAP's and LIME's samples); texts cut to TEXT_REPORT_MAX_TOKENS tokens.
 *  - gpt (data: prompts): a continuation of GPT_REPORT_TOKENS tokens per prompt (seeded), explained token by
 *    token with integrated gradients (explainGeneration: the [generated, context] matrix with each step's
 *    probability and entropy), and its last token also by attentionRollout.
 *
 * References: Simonyan et al. 2013 (arXiv:1312.6034); Sundararajan et al. 2017 (arXiv:1703.01365); Smilkov
 * et al. 2017 (arXiv:1706.03825); Zeiler & Fergus 2014 (arXiv:1311.2901); Lundberg & Lee 2017
 * (arXiv:1705.07874); Selvaraju et al. 2017 (arXiv:1610.02391); Petsiuk et al. 2018 (arXiv:1806.07421); Yeh
 * et al. 2019 (arXiv:1901.09392); Higgins et al. 2017 (beta-VAE, ICLR).
 *
 * @param model `{ kind: 'classifier' | 'ae' | 'vae' | 'gan' | 'cyclegan', ... }` (see `ReportModel`).
 * @param data float32 images [N, H, W, C] (or [N, H, W]), or `{ x, y? }` from @glassbox/datasets. For a GAN the
 *   real images, for a CycleGAN images of domain A.
 * @param options `samples` (default min(N, 4)), `methods`, `seed` (default 0), `batchSize` (default 64),
 *   `onProgress(done, total, stage)`, `signal`, `target`, `settings` (see `ExplainModelOptions`).
 * @returns a `ReportResult` of plain numbers and arrays, deterministic for a seed on a backend.
 * @throws GlassboxError INVALID_ARGUMENT (unknown kind or method, samples out of range, a missing model
 *   part), SHAPE_MISMATCH (data that does not fit the model), TARGET_OUT_OF_RANGE, NON_FINITE, ABORTED.
 *
 * @example
 * ```ts
 * const result = await explainModel({ kind: 'classifier', predict: (x) => net.predict(x) }, images, { samples: 2, seed: 1 });
 * console.table(result.kind === 'classifier' ? result.ranking?.rows : []);
 * writeFileSync('report.html', renderReport(result, { title: 'My classifier' }));
 * ```
 */
export async function explainModel(model: ReportModel, data: ReportData, options: ExplainModelOptions = {}): Promise<ReportResult> {
  const where = 'explainModel';
  const args = resolveArguments(model, data, options, (kind) => kindAdapter(kind).reportMethods, where);
  const adapter = kindAdapter(args.kind);
  const scope = new TensorScope();
  // The text kinds' ids are made from the texts by resolveArguments: the scope owns them.
  if (args.text !== null) scope.keep(args.data);
  try {
    // Texts have no image geometry; their suites read igSteps and kernelShapSamples (also LIME's samples), smaller by default.
    const settings = args.text !== null ? resolveSettings({ igSteps: 16, kernelShapSamples: 64, ...args.settings }, [1, 1], where) : resolveSettings(args.settings, args.data.shape.slice(1), where);
    const ctx = makeContext(model as object, args, settings, scope, adapter.reportMethods, where);
    return await adapter.suite(ctx);
  } finally {
    scope.disposeAll();
  }
}
