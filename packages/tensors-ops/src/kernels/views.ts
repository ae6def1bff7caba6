/**
 * Identity and same-dtype Cast for the WASM backend without a copy. tfjs-backend-wasm 4.22 copies the whole
 * buffer for both; the engine runs Identity for every tensor the gradient tape saves (`clone`), and tfjs-core's
 * Relu gradient casts a float32 mask to float32, so one forward+backward of a small CNN spends ~6% of its time
 * copying. WASM kernels never write into their inputs, so the output can share the input's buffer (the backend
 * counts references, exactly as its own Reshape does). Strings and real dtype changes run the original kernels,
 * except a cast to 'bool', which the original gets wrong (it truncates: 2.5 -> 2, -1 -> 255); here it is
 * x != 0 (NaN -> true), as on the cpu backend.
 */
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { runOriginalKernel, type WasmKernelArgs } from './shared.js';

function share(args: WasmKernelArgs<unknown>, x: TensorInfo): TensorInfo {
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export function identityView(args: WasmKernelArgs<Record<string, never>>): TensorInfo {
  const x = args.inputs.x!;
  if (x.dtype === 'string') return runOriginalKernel('Identity', args.backend, args.inputs, args.attrs);
  return share(args, x);
}

export function castView(args: WasmKernelArgs<{ dtype: DataType }>): TensorInfo {
  const x = args.inputs.x!;
  if (args.attrs.dtype === 'bool' && x.dtype !== 'bool' && x.dtype !== 'string' && x.dtype !== 'complex64') {
    const out = args.backend.makeOutput([...x.shape], 'bool');
    const src = args.backend.typedArrayFromHeap(x);
    const dst = args.backend.typedArrayFromHeap(out);
    for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
    return out;
  }
  if (x.dtype === 'string' || x.dtype !== args.attrs.dtype) return runOriginalKernel('Cast', args.backend, args.inputs, { ...args.attrs });
  return share(args, x);
}
