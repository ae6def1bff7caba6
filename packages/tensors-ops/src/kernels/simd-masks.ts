/**
 * Activation gradients as one WASM SIMD pass over the WASM backend's own heap: dx = dy · m(v) with a 0/1 mask m
 * that tests v against an interval, four float32 lanes at a time.
 *
 * Why a module of our own: tfjs-backend-wasm has no kernel for "dy where 0 < v < 6, else 0", so it took four
 * native passes (Sub, Mul, Step, Mul) or one pass in JavaScript (about 8x slower per element than a native
 * pass: typed-array access from JS is not vectorised). The module below is a few hundred bytes of hand-written
 * WebAssembly that imports the backend's `WebAssembly.Memory`, so it reads dy and v and writes dx in place, where
 * the tensors already live: one pass at memory speed, no copies.
 *
 * The functions, each (dy, v, out, groups) with byte addresses and groups = number of 4-element groups (the caller
 * does the last n mod 4 elements in JavaScript with the same formula):
 *
 *   maskOpen(dy, v)   dy · [0 < v < 6]     (ReLU6's gradient from its output y)
 *   maskHalf(dy, v)   dy · [0 < v <= 6]    (ReLU6's gradient from its input x, tfjs-core's mask)
 *
 * where [·] is 1 or 0, and NaN where v is NaN (as tfjs' step(NaN) is NaN on both backends). The product is an
 * IEEE float32 multiplication by exactly 1, 0 or NaN, so dy · 1 = dy, dy · 0 = ±0 (NaN for an infinite or NaN
 * dy), dy · NaN = NaN: bit-identical to the native passes that compute the same mask.
 *
 * Availability: needs WebAssembly SIMD and a non-shared memory (the threaded WASM build shares its memory, which
 * this module does not declare); `simdMasksFor` returns null otherwise and callers use their fallback.
 */

// --- A minimal WebAssembly binary encoder (just what this module needs).

/** @internal The encoder's pieces, shared with ./simd-taps.ts. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

export function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  empty: 0x40,
};
/** SIMD instructions: the 0xfd prefix and the LEB128 opcode. */
const simd = (code: number): number[] => [0xfd, ...uleb(code)];
const v128Load = [...simd(0x00), 0x00, 0x00]; // memarg: align 2^0 (unaligned allowed), offset 0
const v128Store = [...simd(0x0b), 0x00, 0x00];
const f32Splat = (bytes: number[]): number[] => [...simd(0x0c), ...bytes, ...bytes, ...bytes, ...bytes]; // v128.const
const f32Bytes = (v: number): number[] => [...new Uint8Array(new Float32Array([v]).buffer)];
const F32X4_NE = 0x42;
const F32X4_LT = 0x43;
const F32X4_GT = 0x44;
const F32X4_LE = 0x45;
const V128_AND = 0x4e;
const V128_OR = 0x50;
const F32X4_MUL = 0xe6;

/**
 * The body of one mask function: params dy, v, out (byte addresses), groups; one v128 local holding v.
 *   while (groups != 0) { x = load(v); m = (x > 0 & x UPPER 6) & 1.0 | (x != x) & NaN; store(out, load(dy) * m); advance }
 */
function maskBody(upper: number): number[] {
  const [DY, V, OUT, GROUPS, X] = [0, 1, 2, 3, 4];
  const advance = (local: number): number[] => [op.localGet, local, op.i32Const, ...uleb(16), op.i32Add, op.localSet, local];
  const code = [
    op.block, op.empty,
    op.localGet, GROUPS, op.i32Eqz, op.brIf, 0,
    op.loop, op.empty,
    op.localGet, OUT,
    op.localGet, DY, ...v128Load,
    op.localGet, V, ...v128Load, op.localTee, X,
    ...f32Splat(f32Bytes(0)), ...simd(F32X4_GT),
    op.localGet, X, ...f32Splat(f32Bytes(6)), ...simd(upper),
    ...simd(V128_AND),
    ...f32Splat(f32Bytes(1)), ...simd(V128_AND),
    op.localGet, X, op.localGet, X, ...simd(F32X4_NE),
    ...f32Splat([0x00, 0x00, 0xc0, 0x7f]), ...simd(V128_AND), // the quiet NaN 0x7fc00000
    ...simd(V128_OR),
    ...simd(F32X4_MUL),
    ...v128Store,
    ...advance(DY), ...advance(V), ...advance(OUT),
    op.localGet, GROUPS, op.i32Const, 1, op.i32Sub, op.localTee, GROUPS,
    op.brIf, 0,
    op.end,
    op.end,
    op.end,
  ];
  const locals = vec([[1, V128]]);
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

/** The exported functions, in order, with the comparison against 6 each uses. */
const FUNCTIONS = [
  ['maskOpen', F32X4_LT],
  ['maskHalf', F32X4_LE],
] as const;

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32]]), 0x00]])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])), // memory, limits: min 0, no max
    ...section(3, vec(FUNCTIONS.map(() => [0x00]))),
    ...section(7, vec(FUNCTIONS.map(([n], i) => [...name(n), 0x00, i]))),
    ...section(10, [...uleb(FUNCTIONS.length), ...FUNCTIONS.flatMap(([, upper]) => maskBody(upper))]),
  ];
  return new Uint8Array(bytes);
}

// --- Instances, one per WASM memory.

type MaskFn = (dy: number, v: number, out: number, groups: number) => void;

export interface SimdMasks {
  maskOpen: MaskFn;
  maskHalf: MaskFn;
}

let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdMasks | null>();

function compile(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = moduleBytes();
      // A module this small compiles synchronously also on a browser's main thread.
      compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * The mask functions bound to `memory` (the WASM backend's heap), or null when WebAssembly SIMD is missing or
 * the memory is shared. Instantiated once per memory.
 */
export function simdMasksFor(memory: WebAssembly.Memory | undefined): SimdMasks | null {
  if (memory === undefined || (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer)) return null;
  const cached = instances.get(memory);
  if (cached !== undefined) return cached;
  let masks: SimdMasks | null = null;
  const mod = compile();
  if (mod !== null) {
    try {
      const exports = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as SimdMasks;
      masks = { maskOpen: exports.maskOpen, maskHalf: exports.maskHalf };
    } catch {
      masks = null;
    }
  }
  instances.set(memory, masks);
  return masks;
}

/** The WASM backend's memory (the Emscripten module's exported `memory`), if it can be found. */
export function wasmMemoryOf(backend: { wasm: unknown }): WebAssembly.Memory | undefined {
  const asm = (backend.wasm as { asm?: { memory?: unknown } } | undefined)?.asm;
  const memory = asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/** Exposed for tests: the module's bytes (validated by WebAssembly.validate). */
export const simdMasksModuleBytes = moduleBytes;
