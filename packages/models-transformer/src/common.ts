/**
 * What the two text models share (internal): argument checks that throw GlassboxError naming the argument,
 * the saved form of a model (model.json's modelTopology), and reading the ids of a batch.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, assertNumber, checkTokenIds, describe, formatShape, isTensor, tf, type BlockSpec } from '@glassbox/tensors-ops';

/** The `format` of a text model's modelTopology in model.json. */
export const TRANSFORMER_FORMAT = 'glassbox-transformer';

/** The two model kinds of this package, as model.json names them. */
export type TransformerKind = 'gpt' | 'text-classifier';

/** Throws INVALID_ARGUMENT when the model has been disposed. */
export function checkAlive(disposed: boolean, where: string, what: string): void {
  if (disposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: this ${what} has been disposed`);
}

/**
 * Checks a batch of token ids: a live int32 tensor [N, T] with N >= 1 and 1 <= T <= context, every id in
 * [0, vocabSize). Reads the ids (they are small). Names the argument `name` in every message.
 */
export function checkIdsTensor(ids: unknown, vocabSize: number, context: number, where: string, name = 'ids'): asserts ids is Tensor {
  if (!isTensor(ids) || (ids as Tensor & { isDisposed?: boolean }).isDisposed) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a live int32 tensor of token ids [N, T], got ${describe(ids)}`);
  }
  if (ids.dtype !== 'int32') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an int32 tensor of token ids [N, T], got dtype ${ids.dtype}`);
  }
  if (ids.rank !== 2 || ids.shape[0]! < 1 || ids.shape[1]! < 1) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have shape [N, T] with N, T >= 1, got ${formatShape(ids.shape)}`);
  }
  if (ids.shape[1]! > context) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${name} has ${ids.shape[1]} positions, more than the model's context of ${context} (shape ${formatShape(ids.shape)})`,
    );
  }
  // Every id in range: the token id check of tensors-ops (the checks above have passed all its others).
  checkTokenIds(ids, where, name, vocabSize);
}

/** Checks attention gates: an array of `layers` live float32 tensors of shape `shape` ([N, H, T, T]), naming `gates[l]`. */
export function checkGates(gates: unknown, layers: number, shape: readonly number[], where: string): asserts gates is Tensor[] {
  if (!Array.isArray(gates) || gates.length !== layers) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: gates must be an array of ${layers} tensors [${shape.join(', ')}], one per layer, got ${describe(gates)}`);
  }
  gates.forEach((g: unknown, l) => {
    if (!isTensor(g) || (g as Tensor & { isDisposed?: boolean }).isDisposed) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: gates[${l}] must be a live float32 tensor [${shape.join(', ')}], got ${describe(g)}`);
    }
    if (g.dtype !== 'float32') throw new GlassboxError('INVALID_ARGUMENT', `${where}: gates[${l}] must be float32, got dtype ${g.dtype}`);
    if (g.rank !== shape.length || g.shape.some((d, i) => d !== shape[i])) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: gates[${l}] must have shape [${shape.join(', ')}] (N, heads, T, T, as attention(ids) returns), got ${formatShape(g.shape)}`);
    }
  });
}

/** Checks embeddings: a live float32 tensor [N, T, dim] with N >= 1 and 1 <= T <= context. */
export function checkEmbeddings(e: unknown, dim: number, context: number, where: string, name = 'e'): asserts e is Tensor {
  if (!isTensor(e) || (e as Tensor & { isDisposed?: boolean }).isDisposed) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a live float32 tensor of embeddings [N, T, ${dim}], got ${describe(e)}`);
  }
  if (e.dtype !== 'float32') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a float32 tensor of embeddings [N, T, ${dim}], got dtype ${e.dtype}`);
  }
  if (e.rank !== 3 || e.shape[0]! < 1 || e.shape[1]! < 1 || e.shape[2] !== dim) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have shape [N, T, ${dim}] with N, T >= 1 (what embed returns), got ${formatShape(e.shape)}`);
  }
  if (e.shape[1]! > context) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} has ${e.shape[1]} positions, more than the model's context of ${context}`);
  }
}

/** Ids to decode: an array of integers, or a 1-D (or [1, T]) int32 tensor, read into plain numbers. */
export function idsToArray(ids: unknown, where: string): ArrayLike<number> {
  if (isTensor(ids)) {
    if ((ids as Tensor & { isDisposed?: boolean }).isDisposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ids is a disposed tensor`);
    if (ids.dtype !== 'int32') throw new GlassboxError('INVALID_ARGUMENT', `${where}: ids must be an int32 tensor (or an array of ids), got dtype ${ids.dtype}`);
    if (!(ids.rank === 1 || (ids.rank === 2 && ids.shape[0] === 1))) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: ids must be one sequence, a tensor [T] or [1, T], got ${formatShape(ids.shape)}`);
    }
    return ids.dataSync() as Int32Array;
  }
  if (ids instanceof Int32Array || ids instanceof Uint8Array || ids instanceof Uint16Array || ids instanceof Uint32Array || Array.isArray(ids)) {
    return ids as ArrayLike<number>;
  }
  throw new GlassboxError('INVALID_ARGUMENT', `${where}: ids must be an array of token ids, an Int32Array or an int32 tensor, got ${describe(ids)}`);
}

/** A non-empty string, or INVALID_ARGUMENT naming it. */
export function checkText(text: unknown, where: string, name = 'text', allowEmpty = false): string {
  if (typeof text !== 'string') throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a string, got ${describe(text)}`);
  if (!allowEmpty && text.length === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a non-empty string, got ''`);
  return text;
}

/** Checks a batch size option (integer >= 1). */
export function checkBatchSize(value: unknown, where: string, fallback: number): number {
  return value === undefined ? fallback : assertNumber(value, 'options.batchSize', where, { integer: true, min: 1 });
}

/** Checks a limit option (integer >= 1, or undefined for all). */
export function checkLimit(value: unknown, where: string): number | undefined {
  return value === undefined ? undefined : assertNumber(value, 'options.limit', where, { integer: true, min: 1 });
}

/** An int32 [N, T] tensor from rows of ids padded with `padId` to the longest row. */
export function padBatch(rows: readonly Int32Array[], padId: number): Tensor {
  const t = rows.reduce((m, r) => Math.max(m, r.length), 0);
  const flat = new Int32Array(rows.length * t).fill(padId);
  rows.forEach((r, i) => flat.set(r, i * t));
  return tf.tensor2d(flat, [rows.length, t], 'int32');
}

/** The architecture options of both models (each adds `context`, with its own default, and its tokenizer). */
export interface TransformerShapeOptions {
  /** Embedding width D, integer >= 1; default 64. */
  dim?: number;
  /** Number of Transformer blocks, integer >= 1; default 2. */
  layers?: number;
  /** Attention heads per block, an integer that divides dim; default 4. */
  heads?: number;
  /** Hidden width of each block's MLP; default 4 * dim. */
  hidden?: number;
  /** Dropout rate in training, in [0, 1); default 0.1. */
  dropout?: number;
  /** Seed of the parameter initializers, integer; default 0. */
  seed?: number;
}

/** Resolved architecture options shared by both models. */
export interface ArchitectureOptions {
  /** Embedding width D. */
  dim: number;
  /** Number of Transformer blocks. */
  layers: number;
  /** Attention heads per block (divides dim). */
  heads: number;
  /** Hidden width of each block's MLP. */
  hidden: number;
  /** The longest sequence of ids the model reads. */
  context: number;
  /** Dropout rate in training (embeddings, attention probabilities, sub-layer outputs). */
  dropout: number;
  /** Seed of the parameter initializers. */
  seed: number;
}

/** Checks the architecture options (each naming `options.<key>`); defaults as given. */
export function resolveArchitecture(o: Partial<Record<keyof ArchitectureOptions, unknown>>, defaults: ArchitectureOptions, where: string, maxContext: number): ArchitectureOptions {
  const int = (key: keyof ArchitectureOptions, min: number, max?: number): number =>
    o[key] === undefined ? defaults[key] : assertNumber(o[key], `options.${key}`, where, max === undefined ? { integer: true, min } : { integer: true, min, max });
  const dim = int('dim', 1, 4096);
  const layers = int('layers', 1, 64);
  const heads = int('heads', 1, dim);
  if (dim % heads !== 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.heads must divide options.dim (${dim}), got ${heads}`);
  const hidden = o.hidden === undefined ? 4 * dim : assertNumber(o.hidden, 'options.hidden', where, { integer: true, min: 1 });
  const context = int('context', 1, maxContext);
  let dropout = defaults.dropout;
  if (o.dropout !== undefined) {
    if (typeof o.dropout !== 'number' || !(o.dropout >= 0 && o.dropout < 1)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.dropout must be a number in [0, 1), got ${describe(o.dropout)}`);
    }
    dropout = o.dropout;
  }
  const seed = o.seed === undefined ? defaults.seed : assertNumber(o.seed, 'options.seed', where, { integer: true, min: 0, max: 0xffffffff });
  return { dim, layers, heads, hidden, context, dropout, seed };
}

/** The names of the Transformer blocks: 'h0', 'h1', ... */
export function layerNames(layers: number): string[] {
  return Array.from({ length: layers }, (_, i) => `h${i}`);
}

/**
 * The blocks of both text models up to the final layer norm: 'tokens' (token embedding, with the padding id
 * when there is one) and 'positions', 'dropout', the Transformer blocks 'h0', 'h1', ... (causal or not) and
 * 'lnF'. Each model adds its head after them.
 */
export function transformerStack(o: ArchitectureOptions, vocabSize: number, causal: boolean, padId?: number): BlockSpec[] {
  const blocks: BlockSpec[] = [
    padId === undefined
      ? { type: 'tokenEmbedding', name: 'tokens', vocabSize, dim: o.dim }
      : { type: 'tokenEmbedding', name: 'tokens', vocabSize, dim: o.dim, padId },
    { type: 'positionalEmbedding', name: 'positions', maxLength: o.context },
    { type: 'dropout', name: 'dropout', rate: o.dropout },
  ];
  for (let i = 0; i < o.layers; i++) {
    blocks.push({ type: 'transformerBlock', name: `h${i}`, heads: o.heads, hidden: o.hidden, causal, dropout: o.dropout });
  }
  blocks.push({ type: 'layerNorm', name: 'lnF' });
  return blocks;
}
