import type { Tensor4D } from '@tensorflow/tfjs-core';

/** The two fixed parts of the digits data. */
export type Split = 'train' | 'test';

/** The pixel format of the typed-array loaders: float32 in 0..1 (default) or the raw bytes 0..255. */
export type PixelFormat = 'float32' | 'uint8';

/** Images as plain typed arrays, for code without tensors. */
export interface ImageArrays<P extends Float32Array | Uint8Array = Float32Array> {
  /** N*H*W*C pixels, row-major NHWC: float32 in 0..1, or uint8 in 0..255. */
  images: P;
  /** N class labels. */
  labels: Int32Array;
  /** [N, H, W, C]; C is 1 (grey). */
  shape: [number, number, number, number];
}

/** Images as a tensor plus labels. The caller owns `x` and disposes it. */
export interface ImageSet {
  /** float32 [N, H, W, 1] in 0..1. */
  x: Tensor4D;
  /** N class labels. */
  y: Int32Array;
}

/** The part of a fetch Response the loaders use. */
export interface FetchResponseLike {
  ok: boolean;
  status: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A fetch function (the global `fetch` fits); the loaders call it with one URL string. */
export type FetchLike = (url: string) => Promise<FetchResponseLike>;
