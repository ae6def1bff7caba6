/**
 * One adapter per model kind: everything the CLI, the demo and the report need to know about a kind, in one
 * place, so that a kind is switched on once. An adapter reads a model through the few members it needs
 * (structural types below), so the report needs none of the model packages at run time.
 *
 * What a caller does with an adapter, whatever the kind:
 *  1. `prepare(model, input)`: from what the user gave (an image row, a latent code, a seed to draw a code
 *     from) to the image row `x` the pixel methods explain and, for kinds with a code, the code and its decoder;
 *  2. `explained(model, objective)`: the function `f` a method explains (the first of `objectives` unless the
 *     user picked another) with the parts the layer methods need (DeepLIFT's layered network, Grad-CAM's split
 *     model and its layers);
 *  3. `defaultTarget(...)` on f(x): the output explained when the user names none, and `outputLabel` to name it.
 */
import type { MethodSubject, Predictable, Tensor, TokenModel } from '@glassbox/tensors-ops';
import type { CamModel, LayeredModel } from '@glassbox/explainers-gradient';
import type { ModelKind, ReportModel, ReportResult } from '../types.js';
import type { SuiteContext } from '../internal/context.js';

/**
 * What an explanation of the kind can start from: an image, a latent code given to a decoder or generator, or
 * a text (the text kinds: read as token ids by the model's tokenizer). Callers read the list instead of
 * assuming images.
 */
export type KindInput = 'image' | 'latent' | 'text';

/**
 * What the pixel methods explain about an input (the explained function f):
 *  - 'logits': a classifier's logit of one class (the target);
 *  - 'code': one latent dimension of an encoder (for a VAE the mean mu of q(z|x)) (the target);
 *  - 'region': the mean of a region of the model's image output (a reconstruction, a translation): one number;
 *  - 'discriminator': a GAN discriminator's logit (of one class, for a conditional one);
 *  - 'next-token': a causal language model's logit of one next token after the text (the target).
 * (A text classifier's objective is 'logits', of its classes.)
 */
export type KindObjective = 'logits' | 'code' | 'region' | 'discriminator' | 'next-token';

/** An input as the caller has it: an image row, a latent code, or a seed to draw a code from the model's prior. */
export type KindInputValue =
  /** One image row [1, ...rowShape] (the caller keeps it). */
  | { type: 'image'; x: Tensor }
  /** A latent code [1, D] without a conditional GAN's one-hot (the caller keeps it); `class` for a conditional GAN (default 0). */
  | { type: 'latent'; z: Tensor; class?: number | null }
  /** A code drawn from the model's prior with `seed` (the model's own sampleLatent); `class` as for 'latent'. */
  | { type: 'sample'; seed: number; class?: number | null }
  /** A text, encoded by the model's own tokenizer (the text kinds). */
  | { type: 'text'; text: string }
  /** Token ids [1, T] already encoded (a GPT's prompt and generated tokens; the caller keeps them). */
  | { type: 'tokens'; ids: Tensor };

export interface PrepareOptions {
  /**
   * A conditional GAN's class: false (default) keeps it fixed inside the decoder, so the latent methods explain
   * the D code dimensions; true puts its one-hot at the end of the code (D + classes entries), so they explain
   * the class entries too.
   */
  classInCode?: boolean;
}

/** What `prepare` makes of an input. */
export interface PreparedInput {
  /** The image row the pixel methods explain, [1, ...rowShape]: the input itself, or the image decoded from the code. */
  x: Tensor;
  /** For kinds with a code (and an input that has one): the code, the function from codes to images, the class. */
  latent?: {
    /** The code [1, D] (or [1, D + classes] with `classInCode`). */
    z: Tensor;
    /** Codes [N, z.shape[1]] -> images [N, ...rowShape]. */
    decoder: (z: Tensor) => Tensor;
    /** A conditional GAN's class (null otherwise). */
    class: number | null;
  };
  /** Text kinds: the string of each token of x (x holds int32 ids [1, T]). */
  tokens?: string[];
  /** Disposes the tensors `prepare` made (never the caller's). */
  dispose(): void;
}

/** The function a method explains for an objective, and what the layer methods need. */
export interface ExplainedFunction {
  /** Rows [N, ...rowShape] -> scores [N, K] (pick a target) or [N] (one number, e.g. the mean of a region). */
  f: Predictable;
  /** A network DeepLIFT runs layer by layer, whose output column `target` is f's (absent: none). */
  layered?: LayeredModel;
  /** Grad-CAM's model split at `layer` (default `defaultCamLayer`), scoring as f does (absent: nothing to split). */
  cam?: (layer?: string) => { model: CamModel; layer?: string };
  /** The layers Grad-CAM can use (spatial feature maps), in network order; empty without `cam`. */
  camLayers: readonly string[];
  /** The usual Grad-CAM layer (the last convolution). */
  defaultCamLayer?: string;
  /** The network whose weights a parameter-randomization sanity check may reset (f is then a function of it). */
  randomizable?: unknown;
  /**
   * Text kinds: the TokenModel every token method takes as its model (gradient methods explain it through its
   * embeddings, perturbation methods on its ids, attention methods on its attention maps); `f` is then its
   * ids -> scores function (a GPT's next-token logits).
   */
  tokenModel?: TokenModel;
}

/** Why a default target was chosen (callers word it). */
export type TargetReason =
  /** The function has a single output. */
  | 'only'
  /** The highest score: a classifier's predicted class. */
  | 'predicted'
  /** The largest |value| (a latent dimension). */
  | 'largest'
  /** The class the caller gave (a conditional GAN's generated or asked-for class). */
  | 'class'
  /** The input's label. */
  | 'label'
  /** The highest score, no class or label known. */
  | 'highest'
  /** The token a GPT generated at that step (given by the caller). */
  | 'generated';

/** The members of a model that `score`, `rowShape` and `decoder` read, by kind (the models packages' classes have them). */
export interface KindModels {
  classifier: { predict(x: Tensor): Tensor; readonly inputShape: readonly number[]; readonly lastConvLayer?: string | null };
  ae: { encoder(x: Tensor): Tensor; decoder(z: Tensor): Tensor; predict(x: Tensor): Tensor; readonly inputShape: readonly number[] };
  vae: KindModels['ae'];
  gan: { generator(z: Tensor): Tensor; discriminator(x: Tensor): Tensor; readonly imageShape: readonly number[]; readonly numClasses: number };
  cyclegan: { translateAB(x: Tensor): Tensor; readonly imageShape: readonly number[] };
  gpt: TextModelParts & {
    /** Next-token logits [N, V] of ids [N, T]. */
    nextToken(ids: Tensor): Tensor;
    generate(prompt: string, options: { maxTokens?: number; seed?: number }): { text: string; ids: Int32Array };
  };
  'text-classifier': TextModelParts & {
    /** Class logits [N, K] of ids [N, T]. */
    predict(ids: Tensor): Tensor;
    readonly labels: readonly string[];
  };
}

/** What the text kinds read of a model (@glassbox/models-transformer's GPT and TextClassifier have it). */
export type TextModelParts = TokenModel & {
  /** A text -> its ids and token strings; refuses what the model cannot read. */
  encode(text: string): { ids: Int32Array; tokens: string[] };
  /** The most tokens a row may have. */
  readonly context: number;
  /** The vocabulary: the string of each token id. */
  readonly tokenizer: { readonly tokens: readonly string[] };
};

/** A network with named layers that splits at one (tensors-ops' Sequential). */
export interface SplitNet {
  readonly layers: readonly { readonly name: string; readonly type: string; readonly outputShape: readonly number[] }[];
  split(layer: string): { features(x: Tensor): Tensor; head(a: Tensor): Tensor };
}

/** Everything the adapters read of a model, by kind: `KindModels` and what preparing and the layer methods need. */
export interface KindParts {
  classifier: KindModels['classifier'] & {
    readonly lastConvLayer: string | null;
    /** The network: run layer by layer (DeepLIFT), split (Grad-CAM through the classifier), randomized (sanity check). */
    readonly network: LayeredModel;
    readonly layers: readonly { readonly name: string; readonly type: string }[];
    split(layer: string): { features(x: Tensor): Tensor; head(a: Tensor): Tensor };
  };
  ae: KindModels['ae'] & {
    readonly latentDim: number;
    readonly encoderNet: LayeredModel & SplitNet;
    sampleLatent(n: number, seed?: number): Tensor;
    /** An autoencoder's Gaussian fit of its training codes (a VAE has the N(0, I) prior instead). */
    latentDistribution?(): { mean: Float32Array; std: Float32Array };
  };
  vae: KindParts['ae'];
  gan: KindModels['gan'] & {
    readonly latentDim: number;
    readonly networks: { readonly discriminator: SplitNet };
    readonly config: { readonly outputActivation: string };
    sampleLatent(n: number, seed: number, options?: { labels?: number[] }): Tensor;
  };
  cyclegan: KindModels['cyclegan'] & {
    translateBA?(y: Tensor): Tensor;
    discriminatorB?(y: Tensor): Tensor;
    readonly networks: { readonly generatorAB: SplitNet };
    readonly config: { readonly outputActivation: string };
  };
  gpt: KindModels['gpt'];
  'text-classifier': KindModels['text-classifier'];
}

export interface KindAdapter<K extends ModelKind = ModelKind> {
  kind: K;
  /** How messages name the kind ('autoencoder', 'VAE', ...). */
  label: string;
  /**
   * What a caller can hand a method for this kind (see tensors-ops' MethodSubject): every kind gives a
   * function; a layer-by-layer network comes with classifiers and autoencoders, a model that splits at a
   * layer with classifiers, a latent code and its decoder with autoencoders, VAEs and GANs.
   */
  subjects: readonly MethodSubject[];
  /** What an explanation can start from (the first is the usual one). */
  inputs: readonly KindInput[];
  /** The methods of the report's suite for the kind, in the order they run (the source of REPORT_METHODS and of `options.methods`). */
  reportMethods: readonly string[];
  /** Runs the report's suite for the kind. */
  suite(ctx: SuiteContext): Promise<ReportResult>;
  /** The shape of one input row of a model of the kind (for a GAN: the generated image's). */
  rowShape(model: KindModels[K]): number[];
  /**
   * The image function an explanation of a region explains: rows [N, ...rowShape] -> scores [N, K] (pick a
   * target) or [N] (the mean of `mask`, one weight per element of the output row, over the model's image
   * output). A classifier's logits and a GAN's discriminator need no mask; the kinds that score a region
   * throw INVALID_ARGUMENT without one.
   */
  score(model: KindModels[K], mask?: Float32Array): Predictable;
  /**
   * The latent function: codes [N, D] -> images, for the latent methods; undefined for kinds without a code.
   * A conditional GAN's one-hot class is part of the code unless `options.class` fixes it (codes [N, D] then).
   */
  decoder(model: KindModels[K], options?: { class?: number | null }): ((z: Tensor) => Tensor) | undefined;
  /** The code of a model of the kind: its D dimensions and a conditional GAN's classes (0 otherwise); undefined without a code. */
  code(model: KindParts[K]): { dim: number; classes: number } | undefined;
  /**
   * What the pixel methods can explain about an input of the kind; the first is the default (used when the
   * user picks none). Autoencoders and VAEs: 'code' (a latent dimension of the encoder), or 'region' (a region
   * of the reconstruction).
   */
  objectives: readonly KindObjective[];
  /**
   * The function explained for an objective (one of `objectives`), with DeepLIFT's and Grad-CAM's hooks.
   * 'region' needs `mask` (one weight per element of the image output row).
   * @throws GlassboxError INVALID_ARGUMENT for an objective the kind does not have, or a region without a mask.
   */
  explained(model: KindParts[K], objective: KindObjective, options?: { mask?: Float32Array }): ExplainedFunction;
  /**
   * The output explained when the user names none, from the scores of `explained(...).f` at the input (one
   * row) and what is known of the input (`class`: a conditional GAN's class; `label`: the input's label).
   * Undefined when the objective is one number (no target).
   */
  defaultTarget(model: KindParts[K], objective: KindObjective, scores: ArrayLike<number>, known?: { class?: number | null; label?: number | null }): { target: number; reason: TargetReason } | undefined;
  /**
   * The names of the explained function's outputs when the kind has fixed ones: a text classifier's labels
   * (ham, spam), a GPT's vocabulary (one string per token id); undefined for the other kinds.
   */
  outputNames?(model: KindParts[K]): readonly string[];
  /** The name of output `k` of the explained function ('class 3', 'latent dimension 3', 'real/fake logit', ...). */
  outputLabel(model: KindParts[K], objective: KindObjective, k: number, count: number): string;
  /** The names of a code's entries: 'z0' .. 'z{D-1}', then 'class 0', 'class 1', ... for a conditional GAN's one-hot. */
  codeLabels(model: KindParts[K], length: number): string[];
  /**
   * From an input (see `inputs`) to the image row the pixel methods explain and, for kinds with a code, the
   * code and its decoder: an image is encoded (autoencoders; a GAN's image has no code), a code or a seed is
   * decoded (generated).
   * @throws GlassboxError INVALID_ARGUMENT for an input the kind does not take or a class out of range.
   */
  prepare(model: KindParts[K], input: KindInputValue, options?: PrepareOptions): PreparedInput;
  /**
   * The model's image output for an image row, when it has one: an autoencoder's reconstruction, a CycleGAN's
   * translation A -> B (`words` names it in messages); a 'region' objective scores a region of it.
   */
  imageOutput?: { name: 'reconstruction' | 'translation'; words: string };
  /** The model's image output (see `imageOutput`) for image rows x; undefined for kinds without one. */
  outputOf(model: KindParts[K], x: Tensor): Tensor | undefined;
  /**
   * The model's own score of how real images look, for images of its output (a GAN's discriminator on the
   * explained image; a CycleGAN's discriminator of domain B on translations); undefined without one.
   */
  criticOf(model: KindParts[K], images: Tensor): Tensor | undefined;
  /** How displays name the critic's score ('D logit', 'D_B'); absent without a critic. */
  criticLabel?: string;
  /** The way back from the image output (a CycleGAN's translation B -> A, for the cycle); undefined without one. */
  backOf(model: KindParts[K], y: Tensor): Tensor | undefined;
  /** True when a model of the kind may take a class with its code (a conditional GAN): callers then offer a class. */
  classInput: boolean;
  /**
   * How messages name the kind's codes (undefined without a code): a code drawn from the prior with a seed, the
   * code of an image (absent when the kind has no encoder: its image inputs have no code), and the image
   * decoded from a code.
   */
  codeWords?: { sample(seed: number): string; encoded?: string; decoded: string };
  /**
   * The units latent traversals sweep in: the mean and standard deviation of the codes (an autoencoder's fit
   * of its training codes); undefined when the prior is N(0, I) (VAE, GAN) or there is no code.
   */
  codeScale(model: KindParts[K]): { mean: Float32Array; std: Float32Array } | undefined;
  /** The plain model `explainModel` takes for a model of the kind (bound to the model's parts). */
  reportModel(model: KindParts[K]): ReportModel;
  /** The data the report explains: 'inputs' (the given rows), or 'real' images (a GAN: its discriminator on real data). */
  reportData: 'inputs' | 'real';
}

type ModelFirst<F> = F extends (model: never, ...rest: infer R) => infer T ? (model: object, ...rest: R) => T : F;

/**
 * A kind adapter as seen by a caller that holds a model of a kind known only at run time (the CLI, the demo):
 * every function takes the model as `object` (it must be a model of the adapter's kind, see `KindParts`).
 */
export type AnyKindAdapter = { readonly [P in keyof KindAdapter]: P extends 'suite' ? KindAdapter[P] : ModelFirst<KindAdapter[P]> };
