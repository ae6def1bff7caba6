import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  asForward,
  assertFinite,
  assertFloatTensor,
  assertNumber,
  checkCommonOptions,
  checkOptionKeys,
  closestName,
  describe,
  formatShape,
  isGlassboxError,
  isTensor,
  tf,
  type ForwardFn,
} from '@glassbox/tensors-ops';
import { EXPLAIN_MODEL_OPTION_KEYS, MODEL_KINDS, isTextKind, type ExplainModelOptions, type ModelKind, type ReportData, type SuiteSettings } from '../types.js';

/** The checked arguments of explainModel. */
export interface Resolved {
  kind: ModelKind;
  /** All rows of the data (not owned; for the text kinds: the padded token ids [N, T], made here, see `text`). */
  data: Tensor;
  /** Text kinds: the texts, their tokens and lengths (`data` is then made here and the caller disposes it). */
  text: { texts: string[]; tokens: string[][]; ids: Int32Array[] } | null;
  /** True labels when the data had y. */
  labels: number[] | null;
  samples: number;
  seed: number;
  batchSize: number;
  /** Methods asked for explicitly (null: the default suite). */
  methods: string[] | null;
  target: number | number[] | undefined;
  settings: Partial<SuiteSettings>;
  onProgress: ((done: number, total: number, stage: string) => void) | undefined;
  signal: AbortSignal | undefined;
}

const INTEGER_SETTINGS: Record<string, number> = {
  igSteps: 1,
  noiseSamples: 1,
  occlusionWindow: 1,
  occlusionStride: 1,
  kernelShapCells: 1,
  kernelShapSamples: 1,
  curveSteps: 1,
  infidelitySamples: 1,
  sensitivitySamples: 1,
  sensitivityRows: 1,
  latentDims: 1,
  traversalValues: 2,
};
const FRACTION_SETTINGS = ['noiseStdev', 'sensitivityRadius'];
export const SETTING_NAMES: readonly string[] = [...Object.keys(INTEGER_SETTINGS), ...FRACTION_SETTINGS];

/** Checks model.kind (the rest of the model is checked by its kind's suite). */
export function checkModel(model: unknown, where: string): ModelKind {
  if (model == null || typeof model !== 'object') {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: model must be an object { kind: ${MODEL_KINDS.map((k) => `'${k}'`).join(' | ')}, ... }, got ${describe(model)}`,
    );
  }
  const kind = (model as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !(MODEL_KINDS as readonly string[]).includes(kind)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: model.kind must be one of ${MODEL_KINDS.map((k) => `'${k}'`).join(', ')}, got ${describe(kind)}`,
    );
  }
  return kind as ModelKind;
}

/**
 * A part of the model as a ForwardFn: a method or function property is called with the model as `this`; an
 * object with predict(x) is wrapped.
 */
export function modelPart(model: object, key: string, where: string, required = true): ForwardFn | null {
  const v = (model as Record<string, unknown>)[key];
  if (v === undefined && !required) return null;
  if (typeof v === 'function') {
    const fn = v as (x: Tensor) => Tensor;
    return (x: Tensor) => fn.call(model, x);
  }
  if (v != null && typeof v === 'object' && typeof (v as { predict?: unknown }).predict === 'function') {
    return asForward(v as { predict(x: Tensor): Tensor }, where, `model.${key}`);
  }
  throw new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: model.${key} must be a function (x) => Tensor or an object with predict(x), got ${describe(v)}`,
  );
}

/** Checks the data: a float32 image tensor [N, H, W] or [N, H, W, C] with finite values, or { x, y? }. */
function checkData(data: unknown, where: string): { x: Tensor; labels: number[] | null } {
  let x: unknown = data;
  let y: unknown = undefined;
  if (!isTensor(data) && data != null && typeof data === 'object' && 'x' in data) {
    x = (data as { x: unknown }).x;
    y = (data as { y?: unknown }).y;
  }
  if (!isTensor(x)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: data must be a float32 image tensor [N, H, W, C] or { x, y? }, got ${describe(data)}`);
  }
  const name = x === data ? 'data' : 'data.x';
  assertFloatTensor(x, name, where);
  if (x.rank !== 3 && x.rank !== 4) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${name} must be a batch of images [N, H, W, C] or [N, H, W], got shape ${formatShape(x.shape)}`,
    );
  }
  if (x.shape[0] === 0 || x.size === 0) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have at least one non-empty image, got shape ${formatShape(x.shape)}`);
  }
  assertFinite(x, name, where);
  let labels: number[] | null = null;
  if (y !== undefined && y !== null) {
    const arr = y as ArrayLike<unknown>;
    if (typeof arr !== 'object' || typeof arr.length !== 'number') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.y must be an array of integer labels, got ${describe(y)}`);
    }
    if (arr.length !== x.shape[0]) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: data.y has ${arr.length} labels, expected one per row of data.x (${x.shape[0]})`);
    }
    labels = [];
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.y must hold integer labels >= 0, got ${describe(v)} at index ${i}`);
      }
      labels.push(v);
    }
  }
  return { x, labels };
}

/** The most tokens of a text a report explains (longer texts are cut): keeps a text report small and fast. */
export const TEXT_REPORT_MAX_TOKENS = 32;

/** Checks integer labels y, one per row. */
function checkLabels(y: unknown, n: number, what: string, where: string): number[] | null {
  if (y === undefined || y === null) return null;
  const arr = y as ArrayLike<unknown>;
  if (typeof arr !== 'object' || typeof arr.length !== 'number') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.y must be an array of integer labels, got ${describe(y)}`);
  }
  if (arr.length !== n) throw new GlassboxError('SHAPE_MISMATCH', `${where}: data.y has ${arr.length} labels, expected one per ${what} (${n})`);
  const labels: number[] = [];
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.y must hold integer labels >= 0, got ${describe(v)} at index ${i}`);
    }
    labels.push(v);
  }
  return labels;
}

/**
 * Checks the texts of a text kind (a string array or { texts, y? }) and encodes them with model.encode (cut to
 * TEXT_REPORT_MAX_TOKENS tokens), padded at the end with the model's padId (else 0) into int32 ids [N, T].
 */
function checkTextData(model: object, data: unknown, where: string): { x: Tensor; labels: number[] | null; text: NonNullable<Resolved['text']> } {
  let texts: unknown = data;
  let y: unknown = undefined;
  if (!Array.isArray(data) && data != null && typeof data === 'object' && 'texts' in data) {
    texts = (data as { texts: unknown }).texts;
    y = (data as { y?: unknown }).y;
  }
  if (!Array.isArray(texts) || texts.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: data must be a non-empty array of texts (or { texts, y? }) for a text model, got ${describe(data)}`);
  }
  const encode = (model as { encode?: unknown }).encode;
  if (typeof encode !== 'function') throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.encode must be a function (text) => { ids, tokens }, got ${describe(encode)}`);
  const tm = (model as { model?: { padId?: number } }).model;
  if (tm == null || typeof tm !== 'object') throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.model must be a TokenModel, got ${describe(tm)}`);
  const ids: Int32Array[] = [];
  const tokens: string[][] = [];
  texts.forEach((t, i) => {
    if (typeof t !== 'string') throw new GlassboxError('INVALID_ARGUMENT', `${where}: data texts[${i}] must be a string, got ${describe(t)}`);
    const r = (encode as (text: string) => { ids: Int32Array; tokens: string[] }).call(model, t);
    const n = Math.min(r.ids.length, TEXT_REPORT_MAX_TOKENS);
    ids.push(r.ids.slice(0, n));
    tokens.push(r.tokens.slice(0, n));
  });
  const labels = checkLabels(y, texts.length, 'text', where);
  const t = Math.max(...ids.map((r) => r.length));
  const pad = typeof tm.padId === 'number' ? tm.padId : 0;
  const flat = new Int32Array(ids.length * t).fill(pad);
  ids.forEach((r, i) => flat.set(r, i * t));
  return { x: tf.tensor2d(flat, [ids.length, t], 'int32'), labels, text: { texts: texts.slice() as string[], tokens, ids } };
}

function checkMethods(methods: unknown, kind: ModelKind, known: readonly string[], where: string): string[] | null {
  if (methods === undefined) return null;
  const list = known.map((m) => `'${m}'`).join(', ');
  if (!Array.isArray(methods) || methods.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.methods must be a non-empty array of method names (for a ${kind}: ${list}), got ${describe(methods)}`);
  }
  const out: string[] = [];
  methods.forEach((m, i) => {
    if (typeof m !== 'string' || !known.includes(m)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.methods[${i}] must be one of ${list} (the methods for a ${kind}), got ${describe(m)}`);
    }
    if (out.includes(m)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.methods[${i}] repeats '${m}'`);
    out.push(m);
  });
  // Keep the suite's order, whatever order they were asked in.
  return known.filter((m) => out.includes(m));
}

function checkSettings(settings: unknown, where: string): Partial<SuiteSettings> {
  if (settings === undefined) return {};
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.settings must be an object, got ${describe(settings)}`);
  }
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (key in INTEGER_SETTINGS) {
      out[key] = assertNumber(value, `options.settings.${key}`, where, { integer: true, min: INTEGER_SETTINGS[key]! });
    } else if (FRACTION_SETTINGS.includes(key)) {
      out[key] = assertNumber(value, `options.settings.${key}`, where, key === 'noiseStdev' ? { min: 0 } : { gt: 0 });
    } else {
      const guess = closestName(key, SETTING_NAMES);
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: options.settings.${key} is not a setting; known settings: ${SETTING_NAMES.join(', ')}${guess === undefined ? '' : `; did you mean '${guess}'?`}`,
      );
    }
  }
  return out as Partial<SuiteSettings>;
}

function checkTarget(target: unknown, kind: ModelKind, samples: number, where: string): number | number[] | undefined {
  if (target === undefined) return undefined;
  if (kind !== 'classifier' && kind !== 'ae' && kind !== 'vae' && kind !== 'text-classifier') {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: options.target is used for classifiers (a class) and autoencoders (latent dimensions), not for a ${kind}${kind === 'gpt' ? ' (each generated token is explained)' : ''}; got ${describe(target)}`,
    );
  }
  const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
  if (isInt(target)) return target as number;
  if (Array.isArray(target) && target.length > 0) {
    target.forEach((t, i) => {
      if (!isInt(t)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.target[${i}] must be an integer, got ${describe(t)}`);
    });
    if ((kind === 'classifier' || kind === 'text-classifier') && target.length !== samples) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: options.target has ${target.length} entries, expected one per explained input (samples = ${samples})`);
    }
    return target.slice() as number[];
  }
  throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.target must be an integer or an array of integers, got ${describe(target)}`);
}

/**
 * Checks every argument of explainModel (before any model call). `reportMethodsOf(kind)` gives the methods of
 * the kind's suite (its adapter's `reportMethods`).
 */
export function resolveArguments(
  model: unknown,
  data: ReportData,
  options: ExplainModelOptions | undefined,
  reportMethodsOf: (kind: ModelKind) => readonly string[],
  where: string,
): Resolved {
  const kind = checkModel(model, where);
  const { x, labels, text } = isTextKind(kind) ? checkTextData(model as object, data, where) : { ...checkData(data, where), text: null };
  try {
    return resolveRest(kind, x, labels, text, options, reportMethodsOf, where);
  } catch (e) {
    if (text !== null) x.dispose();
    throw e;
  }
}

function resolveRest(
  kind: ModelKind,
  x: Tensor,
  labels: number[] | null,
  text: Resolved['text'],
  options: ExplainModelOptions | undefined,
  reportMethodsOf: (kind: ModelKind) => readonly string[],
  where: string,
): Resolved {
  const opts = checkOptionKeys<ExplainModelOptions>(options, EXPLAIN_MODEL_OPTION_KEYS, where);
  const { batchSize, seed } = checkCommonOptions(opts, where);
  const n = x.shape[0]!;
  const samples =
    opts.samples === undefined ? Math.min(n, 4) : assertNumber(opts.samples, 'options.samples', where, { integer: true, min: 1 });
  if (samples > n) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.samples must be in 1..${n} (the rows of data), got ${samples}`);
  }
  const methods = checkMethods(opts.methods, kind, reportMethodsOf(kind), where);
  const target = checkTarget(opts.target, kind, samples, where);
  const settings = checkSettings(opts.settings, where);
  return {
    kind,
    data: x,
    text,
    labels,
    samples,
    seed,
    batchSize,
    methods,
    target,
    settings,
    onProgress: opts.onProgress,
    signal: opts.signal,
  };
}

/**
 * Runs a model part and turns a failure that is not a GlassboxError (a tfjs shape error deep in a layer)
 * into SHAPE_MISMATCH naming the part and the input shape.
 */
export async function guardModelCall<T>(run: () => Promise<T>, part: string, inputShape: readonly number[], where: string): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isGlassboxError(e)) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${part} could not run on inputs of shape ${formatShape(inputShape)} (does the data fit the model?): ${msg}`,
      { cause: e },
    );
  }
}
