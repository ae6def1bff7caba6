import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { WASM_KERNEL_NAMES, installedWasmKernels, originalKernel, registerWasmKernels } from './register.js';

const REPLACED = ['Conv2DBackpropInput', 'BatchMatMul', '_FusedMatMul', 'MaxPoolGrad', 'Sum'];
const ADDED = ['Conv2DBackpropFilter', 'UnsortedSegmentSum', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];

describe('registerWasmKernels', () => {
  it('registers every kernel for wasm (importing ../tf.js already did)', () => {
    expect(installedWasmKernels()).toEqual([...WASM_KERNEL_NAMES].sort());
    for (const name of WASM_KERNEL_NAMES) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
  });

  it('keeps the replaced originals (with their setupFunc) and adds the missing ones', () => {
    for (const name of REPLACED) {
      const original = originalKernel(name);
      expect(original, name).toBeDefined();
      expect(tf.getKernel(name, 'wasm').kernelFunc).not.toBe(original!.kernelFunc);
      expect(tf.getKernel(name, 'wasm').setupFunc).toBe(original!.setupFunc);
    }
    for (const name of ADDED) expect(originalKernel(name), name).toBeUndefined();
  });

  it('is idempotent', () => {
    const before = WASM_KERNEL_NAMES.map((n) => tf.getKernel(n, 'wasm').kernelFunc);
    registerWasmKernels();
    registerWasmKernels();
    expect(WASM_KERNEL_NAMES.map((n) => tf.getKernel(n, 'wasm').kernelFunc)).toEqual(before);
  });

  it('leaves the cpu backend untouched', () => {
    for (const name of WASM_KERNEL_NAMES) expect(tf.getKernel(name, 'cpu'), name).toBeDefined();
  });

  it('the originals stay callable once the wasm backend runs', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const a = tf.tensor3d([1, 2, 3, 4], [1, 2, 2]);
    const info = originalKernel('BatchMatMul')!.kernelFunc({
      inputs: { a, b: a },
      backend: tf.backend(),
      attrs: { transposeA: false, transposeB: false },
    }) as tf.TensorInfo;
    const t = tf.engine().makeTensorFromTensorInfo(info);
    expect(Array.from(t.dataSync())).toEqual([7, 10, 15, 22]);
    tf.dispose([a, t]);
  });
});
