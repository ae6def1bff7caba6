/**
 * A depthwise "sum of taps" pass in WebAssembly SIMD on the WASM backend's own heap (the approach of
 * ./simd-masks.ts: a small hand-encoded module importing the backend's `WebAssembly.Memory`).
 *
 *   out[p, c] = Σ_{t < n_p} a[A_{p,t} + c] · b[B_{p,t} + c]      for every pixel p and channel c < C
 *
 * The pixels' tap lists come from a table in the heap: for each pixel its count n_p, then n_p pairs of byte
 * offsets (A_{p,t}, B_{p,t}) from the bases `a` and `b`. Any depthwise convolution with multiplier 1 is such a
 * sum, and so is its input gradient; the caller chooses which taps each pixel has. The point is the input gradient
 * at stride 2: a 3x3 filter gives each input pixel 1, 2 or 4 taps (a stride-1 convolution of zero-stuffed dy would
 * multiply 9, most of them by inserted zeros, after a pass to insert them). Eight channels at a time (two f32x4
 * accumulators, so C must be a multiple of 8); the taps are summed in table order from 0.
 *
 *   taps(out, a, b, table, pixels, rowBytes)   rowBytes = 4 C (a multiple of 32), byte addresses; pixels >= 1
 *
 * Availability as for ./simd-masks.ts: WebAssembly SIMD and a non-shared memory; `simdTapsFor` returns null
 * otherwise.
 */
import { name, section, uleb, vec } from './simd-masks.js';

const I32 = 0x7f;
const V128 = 0x7b;
const BLOCK = 0x02;
const LOOP = 0x03;
const END = 0x0b;
const BR_IF = 0x0d;
const EMPTY = 0x40;
const GET = 0x20;
const SET = 0x21;
const TEE = 0x22;
const I32_LOAD = 0x28;
const I32_CONST = 0x41;
const I32_EQZ = 0x45;
const I32_LT_U = 0x49;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_SHL = 0x74;
const simd = (code: number): number[] => [0xfd, ...uleb(code)];
const i32Load = (offset: number): number[] => [I32_LOAD, 0x02, ...uleb(offset)];
const v128Load = (offset: number): number[] => [...simd(0x00), 0x00, ...uleb(offset)];
const v128Store = (offset: number): number[] => [...simd(0x0b), 0x00, ...uleb(offset)];
const v128Zero = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const F32X4_ADD = 0xe4;
const F32X4_MUL = 0xe6;

function tapsBody(): number[] {
  const [OUT, A, B, TABLE, PIXELS, ROW, N, CO, T, K, PA, PB, ACC0, ACC1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const add = (local: number, n: number): number[] => [GET, local, I32_CONST, ...uleb(n), I32_ADD, SET, local];
  /** acc = acc + load(pa + off) * load(pb + off) */
  const mac = (acc: number, off: number): number[] => [GET, acc, GET, PA, ...v128Load(off), GET, PB, ...v128Load(off), ...simd(F32X4_MUL), ...simd(F32X4_ADD), SET, acc];
  const code = [
    LOOP, EMPTY, // pixels
    GET, TABLE, ...i32Load(0), SET, N,
    ...add(TABLE, 4),
    I32_CONST, 0, SET, CO,
    LOOP, EMPTY, // groups of 8 channels
    ...v128Zero, SET, ACC0,
    ...v128Zero, SET, ACC1,
    GET, TABLE, SET, T,
    GET, N, SET, K,
    BLOCK, EMPTY,
    GET, K, I32_EQZ, BR_IF, 0,
    LOOP, EMPTY, // taps
    GET, A, GET, T, ...i32Load(0), I32_ADD, GET, CO, I32_ADD, SET, PA,
    GET, B, GET, T, ...i32Load(4), I32_ADD, GET, CO, I32_ADD, SET, PB,
    ...mac(ACC0, 0),
    ...mac(ACC1, 16),
    ...add(T, 8),
    GET, K, I32_CONST, 1, I32_SUB, TEE, K, BR_IF, 0,
    END,
    END,
    GET, OUT, GET, CO, I32_ADD, TEE, PA, GET, ACC0, ...v128Store(0),
    GET, PA, GET, ACC1, ...v128Store(16),
    GET, CO, I32_CONST, 32, I32_ADD, TEE, CO, GET, ROW, I32_LT_U, BR_IF, 0,
    END,
    GET, OUT, GET, ROW, I32_ADD, SET, OUT,
    GET, TABLE, GET, N, I32_CONST, 3, I32_SHL, I32_ADD, SET, TABLE,
    GET, PIXELS, I32_CONST, 1, I32_SUB, TEE, PIXELS, BR_IF, 0,
    END,
    END,
  ];
  const locals = vec([[6, I32], [2, V128]]);
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), 0x00]])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0x00]])),
    ...section(7, vec([[...name('taps'), 0x00, 0]])),
    ...section(10, [...uleb(1), ...tapsBody()]),
  ];
  return new Uint8Array(bytes);
}

export type TapsFn = (out: number, a: number, b: number, table: number, pixels: number, rowBytes: number) => void;

let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, TapsFn | null>();

/** The taps function bound to `memory`, or null when WebAssembly SIMD is missing or the memory is shared. */
export function simdTapsFor(memory: WebAssembly.Memory | undefined): TapsFn | null {
  if (memory === undefined || (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer)) return null;
  const cached = instances.get(memory);
  if (cached !== undefined) return cached;
  if (compiled === undefined) {
    try {
      const bytes = moduleBytes();
      compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  let fn: TapsFn | null = null;
  if (compiled !== null) {
    try {
      fn = (new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as { taps: TapsFn }).taps;
    } catch {
      fn = null;
    }
  }
  instances.set(memory, fn);
  return fn;
}

/** Exposed for tests: the module's bytes. */
export const simdTapsModuleBytes = moduleBytes;
