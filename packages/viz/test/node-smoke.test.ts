// Plain-Node smoke test of the BUILT package: catches ESM resolution problems (missing .js extensions,
// exports map, ESM-only d3 dependencies) that the vitest run on src/ cannot see.
import { execSync, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import * as source from '../src/index.js';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function runNode(script: string): string {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: pkgDir,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (r.status !== 0) throw new Error(`node exited with ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

describe('@glassbox/viz in plain Node (built dist)', () => {
  beforeAll(() => {
    execSync('npx tsc -p tsconfig.build.json', { cwd: pkgDir, stdio: 'pipe' });
  });

  it('imports by package name and exports everything src/index.ts exports', () => {
    const out = runNode(`import('@glassbox/viz').then((m) => console.log(JSON.stringify(Object.keys(m).sort())));`);
    expect(JSON.parse(out)).toEqual(Object.keys(source).sort());
  });

  it('makes a heatmap and a PNG', () => {
    const script = `
      import('@glassbox/viz').then(({ heatmap, toPNG, lineChart }) => {
        const values = Float32Array.of(-1, 0, 1, 0.5);
        const { image, scale } = heatmap(values, [2, 2], { mode: 'signed', clip: { percentile: 100 } });
        const png = toPNG(image);
        const svg = lineChart({ y: [1, 0.5, 0.25] });
        console.log(JSON.stringify({ scale, png: Array.from(png), svgStart: svg.slice(0, 4) }));
      });
    `;
    const { scale, png, svgStart } = JSON.parse(runNode(script)) as {
      scale: { mode: string; min: number; max: number; colormap: string };
      png: number[];
      svgStart: string;
    };
    expect(scale).toEqual({ mode: 'signed', min: -1, max: 1, colormap: 'RdBu_r' });
    expect(svgStart).toBe('<svg');
    const img = decode(Uint8Array.from(png));
    expect([img.width, img.height, img.channels]).toEqual([2, 2, 4]);
    const p = (i: number): number[] => Array.from(img.data.slice(4 * i, 4 * i + 4));
    expect(p(0)[2]).toBeGreaterThan(p(0)[0]); // -1: blue
    expect(Math.min(...p(1).slice(0, 3))).toBeGreaterThan(235); // 0: near-white
    expect(p(2)[0]).toBeGreaterThan(p(2)[2]); // +1: red
    expect(p(3)[3]).toBe(255);
  });
});
