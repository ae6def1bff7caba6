/**
 * Where the WASM binaries live when tensors-ops runs inside a bundle (browser). The literal
 * `new URL('./wasm/...', import.meta.url)` form lets bundlers such as Vite and webpack find the files and emit
 * them as assets. In Node the WASM backend loads its binaries from its own package folder and these are unused.
 */
export function bundledWasmPaths(): Record<string, string> {
  return {
    'tfjs-backend-wasm.wasm': new URL('./wasm/tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('./wasm/tfjs-backend-wasm-simd.wasm', import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL('./wasm/tfjs-backend-wasm-threaded-simd.wasm', import.meta.url).href,
  };
}
