import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import type { ReportMeta, SuiteSettings } from '../types.js';
import type { Stage } from './stages.js';
import { TensorScope } from './stages.js';
import type { Resolved } from './validate.js';

/** Everything a suite needs: the checked arguments, the explained inputs and the bookkeeping. */
export interface SuiteContext {
  where: string;
  model: object;
  args: Resolved;
  /** The explained inputs: the first `samples` rows of the data, [S, ...rowShape] (owned by `scope`). */
  x: Tensor;
  rowShape: number[];
  settings: SuiteSettings;
  /** min and max of x (for noise and radius scales). */
  range: { min: number; max: number };
  scope: TensorScope;
  /** The methods of the kind's suite, in the order they run (the kind adapter's `reportMethods`). */
  reportMethods: readonly string[];
  /** Options every explainer and metric gets. */
  common: { batchSize: number; seed: number; signal?: AbortSignal };
  /** `common` without the seed, for the batch loops and methods that draw nothing at random (mapBatches, latent traversals). */
  batchLoop: { batchSize: number; signal?: AbortSignal };
}

export function makeContext(model: object, args: Resolved, settings: SuiteSettings, scope: TensorScope, reportMethods: readonly string[], where: string): SuiteContext {
  const x = scope.keep(tf.tidy(() => tf.slice(args.data, 0, args.samples)));
  const values = x.dataSync();
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const common: SuiteContext['common'] = { batchSize: args.batchSize, seed: args.seed };
  if (args.signal !== undefined) common.signal = args.signal;
  const { seed: _seed, ...batchLoop } = common;
  return { where, model, args, x, rowShape: x.shape.slice(1), settings, range: { min, max }, scope, reportMethods, common, batchLoop };
}

/** The value range of x, at least a tiny positive number (for noise scales). */
export function spread(ctx: SuiteContext): number {
  const r = ctx.range.max - ctx.range.min;
  return r > 0 ? r : 1;
}

/**
 * Which methods run: the explicit ones (each must apply, else INVALID_ARGUMENT with the reason) or the
 * default suite minus the ones that do not apply (recorded in `skipped`).
 */
export function selectMethods(
  ctx: SuiteContext,
  unavailable: Record<string, string | null>,
  where: string,
  makeError: (message: string) => Error,
): { methods: string[]; skipped: { method: string; reason: string }[] } {
  const explicit = ctx.args.methods;
  const skipped: { method: string; reason: string }[] = [];
  const methods: string[] = [];
  for (const m of explicit ?? ctx.reportMethods) {
    const reason = unavailable[m] ?? null;
    if (reason === null) methods.push(m);
    else if (explicit !== null) throw makeError(`${where}: options.methods asks for '${m}', but ${reason}`);
    else skipped.push({ method: m, reason });
  }
  return { methods, skipped };
}

export function baseMeta(ctx: SuiteContext, methods: string[], skipped: { method: string; reason: string }[]): ReportMeta {
  const name = (ctx.model as { modelName?: unknown }).modelName;
  return {
    generator: '@glassbox/report',
    formatVersion: 1,
    kind: ctx.args.kind,
    modelName: typeof name === 'string' ? name : null,
    backend: tf.getBackend(),
    seed: ctx.args.seed,
    batchSize: ctx.args.batchSize,
    samples: ctx.args.samples,
    inputShape: ctx.rowShape.slice(),
    methods: methods.slice(),
    skipped,
    settings: { ...ctx.settings },
  };
}

export type { Stage };
