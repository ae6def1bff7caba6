import { checkOptions, describe, fail, fmtShape, isArrayLike, optionKeys } from './validate.js';

/**
 * The structural part of a tfjs `Tensor` that `fromTensor` uses: its shape and a synchronous read.
 * Declared here so that @tensorflow/tfjs-core stays an optional peer: any object of this shape works.
 */
export interface TensorLike {
  readonly shape: readonly number[];
  dataSync(): ArrayLike<number>;
}

/** The structural part of a tfjs `Tensor` that `fromTensorAsync` uses. */
export interface AsyncTensorLike {
  readonly shape: readonly number[];
  data(): Promise<ArrayLike<number>>;
}

export interface FromTensorOptions {
  /**
   * For a batched tensor `[N, ...]`: which row to take (the result has shape `[...]`). Default: a leading
   * batch dimension of size 1 is dropped from tensors of rank >= 3, any other shape is returned as is.
   */
  batchIndex?: number;
}

/** The keys of FromTensorOptions. */
export const FROM_TENSOR_OPTION_KEYS = optionKeys<FromTensorOptions>({ batchIndex: true });

/** Values and shape, ready for `heatmap(values, shape)` or `fromPixels(values, shape)`. */
export interface TensorData {
  values: Float32Array;
  shape: number[];
}

/**
 * Reads a tensor (an attribution, an image batch) into a Float32Array and its shape, the inputs of the
 * rest of this package. Uses only `shape` and `dataSync()`, so tfjs-core is not imported.
 *
 * A leading batch dimension of size 1 on a tensor of rank >= 3 is dropped (`[1, h, w, c]` becomes
 * `[h, w, c]`, `[1, h, w]` becomes `[h, w]`); with `batchIndex` the given row of `[N, ...]` is taken. The
 * caller still owns (and disposes) the tensor.
 *
 * @example
 * ```ts
 * const { attributions } = await integratedGradients(model, x, { target: 3 });
 * const { values, shape } = fromTensor(attributions); // [28, 28, 1]
 * attributions.dispose();
 * const { image } = heatmap(values, shape);
 * ```
 */
export function fromTensor(tensor: TensorLike, options: FromTensorOptions = {}): TensorData {
  const fn = 'fromTensor';
  const shape = checkTensorShape(fn, tensor);
  if (typeof (tensor as Partial<TensorLike>).dataSync !== 'function') {
    fail('INVALID_ARGUMENT', `${fn}: tensor must have a dataSync() method (use fromTensorAsync for data()), got ${describe(tensor)}`);
  }
  return select(fn, tensor.dataSync(), shape, options);
}

/**
 * Like `fromTensor`, reading with the asynchronous `data()` (better on WebGL/WebGPU backends, where
 * `dataSync()` blocks). Falls back to `dataSync()` if there is no `data()`.
 *
 * @example
 * ```ts
 * const { values, shape } = await fromTensorAsync(attributions);
 * ```
 */
export async function fromTensorAsync(
  tensor: AsyncTensorLike | TensorLike,
  options: FromTensorOptions = {},
): Promise<TensorData> {
  const fn = 'fromTensorAsync';
  const shape = checkTensorShape(fn, tensor);
  const t = tensor as Partial<AsyncTensorLike & TensorLike>;
  let data: ArrayLike<number>;
  if (typeof t.data === 'function') data = await t.data();
  else if (typeof t.dataSync === 'function') data = t.dataSync();
  else return fail('INVALID_ARGUMENT', `${fn}: tensor must have a data() or dataSync() method, got ${describe(tensor)}`);
  return select(fn, data, shape, options);
}

function checkTensorShape(fn: string, tensor: unknown): number[] {
  if (tensor === null || typeof tensor !== 'object') {
    fail('INVALID_ARGUMENT', `${fn}: tensor must be a tensor-like { shape, dataSync() }, got ${describe(tensor)}`);
  }
  const shape = (tensor as { shape?: unknown }).shape;
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    fail('INVALID_ARGUMENT', `${fn}: tensor.shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  return shape.slice();
}

function select(fn: string, data: unknown, shape: number[], options: FromTensorOptions): TensorData {
  if (!isArrayLike(data)) fail('INVALID_ARGUMENT', `${fn}: tensor data must be numeric (not a string tensor), got ${describe(data)}`);
  if (!ArrayBuffer.isView(data)) {
    for (let i = 0; i < data.length; i++) {
      if (typeof data[i] !== 'number') fail('INVALID_ARGUMENT', `${fn}: tensor data must be numeric (not a string tensor), got ${describe(data[i])} at index ${i}`);
    }
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) {
    fail('SHAPE_MISMATCH', `${fn}: tensor data has ${data.length} elements, expected ${size} for shape ${fmtShape(shape)}`);
  }
  checkOptions(fn, options, FROM_TENSOR_OPTION_KEYS);
  const { batchIndex } = options;
  if (batchIndex !== undefined) {
    if (shape.length < 1) fail('SHAPE_MISMATCH', `${fn}: options.batchIndex needs a batched tensor [N, ...], got a scalar`);
    if (typeof batchIndex !== 'number' || !Number.isInteger(batchIndex) || batchIndex < 0 || batchIndex >= shape[0]) {
      fail('INVALID_ARGUMENT', `${fn}: options.batchIndex must be an integer in [0, ${shape[0] - 1}] for shape ${fmtShape(shape)}, got ${describe(batchIndex)}`);
    }
    const rowShape = shape.slice(1);
    const rowSize = rowShape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(rowSize);
    for (let i = 0; i < rowSize; i++) values[i] = Number(data[batchIndex * rowSize + i]);
    return { values, shape: rowShape };
  }
  const outShape = shape.length >= 3 && shape[0] === 1 ? shape.slice(1) : shape;
  return { values: Float32Array.from(data, Number), shape: outShape };
}
