/**
 * The TensorFlow.js that every Glassbox package uses. Importing this module:
 *  - loads tfjs-core, the cpu backend and the WASM backend (WASM has the higher priority);
 *  - registers tfjs-core's gradients and chained op methods (`x.square()`), from bundles that load in plain
 *    Node ESM, vitest and Vite (the CommonJS build of tfjs-core that Node loads has neither);
 *  - then registers Glassbox's gradient fixes over tfjs-core's (FusedBatchNorm without Tile, see
 *    ./kernels/fused-batch-norm-grad.ts; Relu6 in one pass, see ./kernels/relu6-grad.ts; bit-identical results);
 *  - registers Glassbox's WASM kernel fixes (missing and slow kernels, see ./kernels) and its cpu kernel
 *    (GlassboxRelu6Grad);
 *  - keeps the WASM backend's Node glue from installing process-wide listeners that rethrow every unhandled
 *    rejection and uncaught exception of the host program (see ./wasm-glue.ts);
 *  - makes a WASM tensor allocation that does not fit throw GlassboxError 'OUT_OF_MEMORY' instead of corrupting the
 *    backend's heap (see ./wasm-memory.ts);
 *  - turns on prod mode, which silences the cpu backend's banner in Node;
 *  - makes cpu the active backend until `initBackend()` switches to WASM.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import './vendor/register-gradients.js';
import './vendor/register-chained-ops.js';
import { registerCpuKernels, registerWasmKernels } from './kernels/register.js';
import { registerGradientFixes } from './kernels/fused-batch-norm-grad.js';
import { neutraliseWasmGlue } from './wasm-glue.js';
import { guardWasmFactory } from './wasm-memory.js';

tf.env().set('PROD', true);
// After the import of tfjs-core's gradients above (imports run first), so that ours win.
registerGradientFixes();
registerWasmKernels();
registerCpuKernels();
// A WASM backend that runs out of memory would write a failed tensor allocation over its own heap; make such an
// allocation throw GlassboxError 'OUT_OF_MEMORY' instead, in every WASM backend that starts (see ./wasm-memory.ts).
guardWasmFactory();
// The WASM backend's Node glue would make every unhandled rejection of the host program fatal (exit code 7),
// whatever handlers the program has; remove its process-wide listeners once the backend starts.
neutraliseWasmGlue();
// The WASM backend starts asynchronously, so until `initBackend()` resolves, tensors would throw "backend not
// yet initialized". Start on cpu (its start is synchronous) so that tensors work right after import;
// `await initBackend()` then switches to WASM with SIMD.
if (tf.engine().backendName == null) void tf.setBackend('cpu');

export { tf };
export type { Tensor, Rank, DataType, TensorLike, NamedTensorMap, Variable, Scalar, Tensor1D, Tensor2D, Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';
