import { afterEach, describe, expect, it } from 'vitest';
import { tf } from './tf.js';
import { initBackend, backendInfo } from './backend.js';
import { expectGlassboxError } from './testing/index.js';

describe('initBackend', () => {
  const saved = process.env.GLASSBOX_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.GLASSBOX_BACKEND;
    else process.env.GLASSBOX_BACKEND = saved;
  });

  it('starts WASM with SIMD by default in Node and reports it', async () => {
    delete process.env.GLASSBOX_BACKEND;
    const info = await initBackend();
    expect(info).toEqual({ backend: 'wasm', simd: true, threads: 1 });
    expect(tf.getBackend()).toBe('wasm');
    expect(backendInfo()).toEqual(info);
  });

  it('starts cpu when asked', async () => {
    const info = await initBackend({ backend: 'cpu' });
    expect(info).toEqual({ backend: 'cpu', simd: false, threads: 1 });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('honours GLASSBOX_BACKEND when no backend option is given', async () => {
    process.env.GLASSBOX_BACKEND = 'cpu';
    expect((await initBackend()).backend).toBe('cpu');
    process.env.GLASSBOX_BACKEND = 'wasm';
    expect((await initBackend()).backend).toBe('wasm');
    process.env.GLASSBOX_BACKEND = 'webgl';
    await expectGlassboxError(() => initBackend(), 'INVALID_ARGUMENT', /GLASSBOX_BACKEND/);
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    await expectGlassboxError(() => initBackend({ backend: 'gpu' as never }), 'INVALID_ARGUMENT', /options\.backend/);
    await expectGlassboxError(() => initBackend({ threads: 0 }), 'INVALID_ARGUMENT', /options\.threads/);
  });

  it('computes gradients on both backends after import (gradients are registered)', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend });
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)));
      const dx = g(tf.tensor1d([1, -2, 3]));
      expect(Array.from(dx.dataSync())).toEqual([2, -4, 6]);
      dx.dispose();
    }
  });
});
