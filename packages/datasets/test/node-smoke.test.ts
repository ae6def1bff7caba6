/**
 * Plain-Node smoke test of the BUILT package: builds it (tsc + the asset script), checks the assets, then
 * imports `@glassbox/datasets` by name in a separate `node` process (no vitest, no TypeScript) and loads the
 * test split from dist/assets, the test names (from the @stdlib name packages, a CommonJS import) and a
 * round trip of the names tokenizer through JSON.
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));

const script = `
import { loadDigits, loadDigitsArrays, parseDigitsAsset, twoMoonsArrays, loadNames, namesTokenizer, emailToText, tokenizerFromJSON } from '@glassbox/datasets';
import { initBackend, tf } from '@glassbox/tensors-ops';
import { readFile } from 'node:fs/promises';

const fnv = (bytes) => { let h = 0x811c9dc5; for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0; return h.toString(16).padStart(8, '0'); };
const info = await initBackend({ backend: 'cpu' });
const before = tf.memory().numTensors;
const { x, y } = await loadDigits({ split: 'test' });
const shape = x.shape;
const max = tf.tidy(() => tf.max(x).dataSync()[0]);
x.dispose();
const bytes = await loadDigitsArrays({ split: 'test', format: 'uint8' });
const assetUrl = new URL('./dist/assets/digits-test.bin', 'file://' + process.cwd() + '/');
const asset = parseDigitsAsset(await readFile(assetUrl));
const sameAsAsset = Buffer.from(asset.images).equals(Buffer.from(bytes.images)) && asset.labels.every((l, i) => l === y[i]);
const names = await loadNames({ split: 'test' });
const tok = tokenizerFromJSON(JSON.parse(JSON.stringify(await namesTokenizer())));
const email = await emailToText('Subject: Hi\\r\\nContent-Type: text/html\\r\\n\\r\\n<p>A&amp;B</p>');
console.log(JSON.stringify({
  backend: info.backend, shape, max, labels: y.length, labelHash: fnv(y), pixelHash: fnv(bytes.images),
  sameAsAsset, leaked: tf.memory().numTensors - before, moons: twoMoonsArrays({ n: 4 }).shape,
  names: names.length, vocab: tok.vocabSize, roundTrip: names.every((n) => tok.decode(tok.encode(n)) === n), email: email.text,
}));
`;

describe('the built package in plain Node', () => {
  beforeAll(() => {
    execSync('npx tsc -p tsconfig.build.json', { cwd: pkgDir, stdio: 'pipe' });
    execSync('node scripts/build-assets.mjs', { cwd: pkgDir, stdio: 'pipe' });
  }, 180_000);

  it('has the assets in dist/assets, small and in the GBI1 format', () => {
    for (const [split, n] of [['train', 8000], ['test', 2000]] as const) {
      const file = `${pkgDir}/dist/assets/digits-${split}.bin`;
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).size).toBe(16 + n * 784 + n);
      expect(readFileSync(file).subarray(0, 4).toString('latin1')).toBe('GBI1');
    }
  });

  it('imports @glassbox/datasets by name and loads the test split from the asset', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: pkgDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result).toEqual({
      backend: 'cpu',
      shape: [2000, 28, 28, 1],
      max: 1,
      labels: 2000,
      labelHash: '198abcbd', // pinned in src/digits-split.test.ts
      pixelHash: '464a32bb',
      sameAsAsset: true,
      leaked: 0,
      moons: [4, 2],
      names: 793, // pinned in src/load-names.test.ts
      vocab: 31,
      roundTrip: true,
      email: 'Hi\n\nA&B',
    });
  });
});
