/** Registers Glassbox's WASM kernel fixes. Filled in by the kernels work; idempotent. */
let done = false;
export function registerWasmKernels(): void {
  if (done) return;
  done = true;
}
