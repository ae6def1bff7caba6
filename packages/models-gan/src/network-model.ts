/**
 * What the GAN and the CycleGAN share as models made of several named networks: the life cycle (dispose,
 * the disposed check), and persistence in the TensorFlow.js format through tensors-ops/models' one API. model.json's
 * `modelTopology` is the small architecture JSON `{ format, version: 1, config }`; weights.bin holds every
 * network's weights, named '<network>/<layer>/<param>'. Loading plans first: the stored config is checked and
 * the parameters of every network counted from its layer specs before any weight is read.
 */
import { GlassboxError, describe, isGlassboxError, type EncodedWeights, type LayerSpec, type Sequential, type Tensor } from '@glassbox/tensors-ops';
import {
  asBadWeights,
  badWeights,
  countSpecParams,
  encodeModel,
  loadModel,
  saveModel,
  topologyOf,
  type LoadOptions,
  type ModelDestination,
  type ModelSource,
  type Planner,
  type SaveSpec,
} from '@glassbox/tensors-ops/models';

/** The architecture JSON stored as model.json's modelTopology. */
export interface NetworkModelJSON<F extends string, C> {
  format: F;
  version: 1;
  config: C;
}

/**
 * A model made of named Sequentials. Subclasses build the networks, then hand them to this constructor, and
 * say how to describe themselves (`toJSON`).
 */
export abstract class NetworkModel<N extends string> {
  /** The networks as Sequentials (named layers, for layer-wise explainers). */
  readonly networks: { readonly [K in N]: Sequential };
  private disposed = false;

  /** @param label the class name, for messages ('GAN', 'CycleGAN'). */
  protected constructor(
    networks: Record<N, Sequential>,
    private readonly label: string,
  ) {
    this.networks = Object.freeze({ ...networks });
  }

  /** The architecture as JSON (what model.json's modelTopology holds). */
  abstract toJSON(): NetworkModelJSON<string, object>;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * The model in the TensorFlow.js format, in memory: `{ modelJSON, weightData }` (model.json's object and
   * the bytes of weights.bin), e.g. to store in IndexedDB or offer as a download. The class's `load` reads it back.
   */
  async encode(): Promise<EncodedWeights> {
    this.alive(`${this.label}.encode`);
    return encodeModel(this.saveSpec());
  }

  /**
   * Saves model.json (architecture JSON + weights manifest) and weights.bin into a folder (Node), or through
   * a tf.io IOHandler. Optimizer state is not saved.
   */
  async save(dest: ModelDestination): Promise<void> {
    const where = `${this.label}.save`;
    this.alive(where);
    await saveModel(dest, this.saveSpec(), where);
  }

  /** Frees the weights. The model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    for (const m of Object.values<Sequential>(this.networks)) m.dispose();
    this.disposed = true;
  }

  /** Throws INVALID_ARGUMENT when the model has been disposed. */
  protected alive(where: string): void {
    if (this.disposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: this ${this.label} has been disposed`);
  }

  private saveSpec(): SaveSpec {
    const json = this.toJSON();
    return { weights: () => prefixedWeights(this.networks), modelTopology: json, format: json.format };
  }
}

/** Every network's weights in one record, named '<network>/<name>' (new tensors the caller disposes). */
function prefixedWeights(networks: Record<string, Sequential>): Record<string, Tensor> {
  const named: Record<string, Tensor> = {};
  for (const [net, model] of Object.entries(networks)) {
    for (const [name, t] of Object.entries(model.getWeights())) named[`${net}/${name}`] = t;
  }
  return named;
}

/** How a kind of NetworkModel is rebuilt from its stored architecture. */
export interface NetworkModelKind<M extends NetworkModel<string>, C> {
  /** modelTopology.format. */
  format: string;
  /** Checks a stored config (throwing GlassboxError naming the option), with defaults filled in. */
  resolve: (config: unknown, where: string) => C;
  /** The layer specs and input shape of every network of that config, to count parameters. */
  layers: (config: C) => Array<{ specs: LayerSpec[]; inputShape: number[] }>;
  /** Makes the model (fresh weights, replaced right away). */
  create: (config: C) => M;
}

/** Checks model.json's architecture JSON: an object of the expected format and version; returns its config. */
function readConfig(modelJSON: unknown, format: string, where: string): unknown {
  const t = topologyOf(modelJSON, where) as { format?: unknown; version?: unknown; config?: unknown };
  if (t.format !== format) throw badWeights(where, `model.json's modelTopology.format must be '${format}', got ${describe(t.format)}`);
  if (t.version !== 1) throw badWeights(where, `model.json's modelTopology.version must be 1, got ${describe(t.version)}`);
  if (t.config === null || typeof t.config !== 'object' || Array.isArray(t.config)) {
    throw badWeights(where, `model.json's modelTopology.config must be an object, got ${describe(t.config)}`);
  }
  return t.config;
}

/** The planner of a kind: reads and checks the config, counts the parameters, builds and sets the weights. */
export function networkModelPlanner<M extends NetworkModel<string>, C>(kind: NetworkModelKind<M, C>): Planner<M> {
  return (modelJSON, where) => {
    const stored = readConfig(modelJSON, kind.format, where);
    const config = asBadWeights(where, () => kind.resolve(stored, 'the stored architecture (modelTopology.config)'));
    const elements = kind.layers(config).reduce((sum, n) => sum + countSpecParams(n.specs, n.inputShape, where), 0);
    return {
      elements,
      build(weights) {
        const model = asBadWeights(where, () => kind.create(config));
        try {
          assignWeights(model.networks, weights, where);
        } catch (e) {
          model.dispose();
          throw e;
        }
        return model;
      },
    };
  };
}

/** Loads a model of `kind` from any source (see tensors-ops/models' loadModel). */
export function loadNetworkModel<M extends NetworkModel<string>, C>(kind: NetworkModelKind<M, C>, source: ModelSource, options: LoadOptions | undefined, where: string): Promise<M> {
  return loadModel(source, networkModelPlanner(kind), options, where);
}

/**
 * Sets every network's weights from the flat record '<network>/<name>'. Unknown prefixes, missing and
 * misshapen weights are refused (BAD_WEIGHTS) before anything changes.
 */
function assignWeights(networks: Record<string, Sequential>, weights: Record<string, Tensor>, where: string): void {
  const parts: Record<string, Record<string, Tensor>> = Object.fromEntries(Object.keys(networks).map((n) => [n, {}]));
  for (const [full, t] of Object.entries(weights)) {
    const slash = full.indexOf('/');
    const net = slash < 0 ? '' : full.slice(0, slash);
    if (!(net in parts)) {
      throw badWeights(where, `unknown weight '${full}'; weight names must start with one of ${Object.keys(networks).map((n) => `'${n}/'`).join(', ')}`);
    }
    parts[net]![full.slice(slash + 1)] = t;
  }
  // Sequential.setWeights checks everything of one network before changing it; check the names and shapes of
  // all networks here first, so that a bad weight of the last network leaves the first unchanged too.
  for (const [net, model] of Object.entries(networks)) {
    const given = parts[net]!;
    for (const [name, v] of model.params) {
      const t = given[name];
      if (t === undefined) throw badWeights(where, `missing weight '${net}/${name}'`);
      if (t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
        throw badWeights(where, `weight '${net}/${name}' must have shape [${v.shape.join(', ')}], got [${t.shape.join(', ')}]`);
      }
    }
  }
  for (const [net, model] of Object.entries(networks)) {
    try {
      model.setWeights(parts[net]!);
    } catch (e) {
      if (isGlassboxError(e)) throw new GlassboxError(e.code, `${where}: network '${net}': ${e.message}`, { cause: e });
      throw e;
    }
  }
}
