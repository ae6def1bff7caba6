// The core must run unchanged in a browser bundle: bundling src/index.ts for the browser platform must
// succeed without Node built-ins (esbuild fails on `node:*` / `fs` imports for platform 'browser'),
// and must not pull in @tensorflow/tfjs-core (an optional peer that only the types mention).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('browser bundle', () => {
  it('bundles for the browser without Node built-ins or tfjs-core', async () => {
    const result = await build({
      entryPoints: [resolve(pkgDir, 'src/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes('@tensorflow'))).toBe(false);
    expect(inputs.some((p) => p.includes('d3-scale-chromatic'))).toBe(true);
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/\bfrom\s+["']node:/);
    expect(code).not.toMatch(/\brequire\(["'](fs|zlib|buffer|path)["']\)/);
  });
});
