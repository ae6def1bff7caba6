// Messages between the "Your model" panel (page.ts) and its own worker (worker.ts). The user's files cross as
// File objects (structured clone, within the browser); nothing is sent anywhere else.

/** A registry method the loaded model takes. */
export interface ByomMethod {
  name: string;
  label: string;
  family: 'gradient' | 'perturbation';
}

export interface ByomModelInfo {
  format: 'layers' | 'graph' | 'onnx';
  /** The model's input shape, NHWC, null where open. */
  inputShape: Array<number | null>;
  /** Outputs (K), or null when the file leaves it open. */
  outputs: number | null;
  /** The methods that apply, in the registry's order (ONNX: only those that call the model). */
  methods: ByomMethod[];
  logits: 'input' | 'log' | null;
}

export interface ByomResult {
  method: string;
  /** The model's scores for the photo. */
  scores: number[];
  predicted: number;
  target: number;
  labels: string[] | null;
  /** The attribution on the model's input grid, [size[0], size[1], 3] flat. */
  attributions: number[];
  size: [number, number];
  /** The decoded photo (8-bit RGB) and the attribution on its grid (channels summed): what the page draws. */
  original: { width: number; height: number; data: Uint8Array };
  onPhoto: Float32Array;
  signed: boolean;
  ms: number;
}

export type ByomRequest =
  | { type: 'init'; backend: 'wasm' | 'cpu' }
  | { type: 'load'; id: number; files: File[]; layout?: 'NCHW' | 'NHWC'; logits: boolean }
  | { type: 'explain'; id: number; image: File; labels: string | null; preprocess: string; crop: 'none' | 'center'; method: string; target: number | null };

export type ByomReply =
  | { type: 'ready'; backend: string }
  | { type: 'loaded'; id: number; info: ByomModelInfo }
  | { type: 'explained'; id: number; result: ByomResult }
  | { type: 'error'; id: number; code?: string; message: string };
