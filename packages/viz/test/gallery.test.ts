// The committed README gallery (scripts/gallery.mjs -> gallery/): every file is shown in the README's Gallery
// section and every image the README shows exists, the total stays small, and the PNGs decode to what the
// script draws. Regenerate with `pnpm build && pnpm gallery`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const galleryDir = resolve(pkgDir, 'gallery');
const readme = readFileSync(resolve(pkgDir, 'README.md'), 'utf8');
const gallerySection = readme.slice(readme.indexOf('## Gallery'), readme.indexOf('\n## ', readme.indexOf('## Gallery') + 1));
const files = readdirSync(galleryDir).sort();

describe('README gallery', () => {
  it('has a gallery script in package.json that runs scripts/gallery.mjs on the built package', () => {
    const pkg = JSON.parse(readFileSync(resolve(pkgDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.gallery).toBe('node scripts/gallery.mjs');
    expect(readFileSync(resolve(pkgDir, 'scripts/gallery.mjs'), 'utf8')).toContain("from '../dist/index.js'");
  });

  it('shows every gallery file in the Gallery section, with a line of text, and nothing that is missing', () => {
    expect(gallerySection.startsWith('## Gallery')).toBe(true);
    const shown = [...gallerySection.matchAll(/!\[[^\]]+\]\(gallery\/([^)]+)\)\n\n(\S[^\n]+)/g)];
    expect(shown.map((m) => m[1]).sort()).toEqual(files);
    expect(files.filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(6);
    expect(files).toEqual(expect.arrayContaining(['bar-chart.svg', 'line-chart.svg']));
  });

  it('stays under 300 KB in total', () => {
    const total = files.reduce((sum, f) => sum + statSync(resolve(galleryDir, f)).size, 0);
    expect(total).toBeLessThan(300 * 1024);
  });

  it('has valid PNGs and SVGs', () => {
    for (const f of files) {
      const bytes = readFileSync(resolve(galleryDir, f));
      if (f.endsWith('.png')) {
        const img = decode(bytes);
        expect(img.width, f).toBeGreaterThan(100);
        expect(img.channels, f).toBe(4);
      } else {
        expect(f.endsWith('.svg'), f).toBe(true);
        const text = bytes.toString('utf8');
        expect(text.startsWith('<svg'), f).toBe(true);
        expect(text.trimEnd().endsWith('</svg>'), f).toBe(true);
      }
    }
  });

  it('draws zero near-white and the blobs red and blue in the signed heatmap', () => {
    // first cell of heatmap-modes.png: padding 4, label band 9, so the 112x112 heatmap starts at (4, 13)
    const img = decode(readFileSync(resolve(galleryDir, 'heatmap-modes.png')));
    const px = (x: number, y: number): number[] => Array.from(img.data.slice((y * img.width + x) * 4, (y * img.width + x) * 4 + 3));
    const [x0, y0] = [4, 13];
    expect(Math.min(...px(x0 + 2, y0 + 2))).toBeGreaterThan(235); // value ~0 in the corner
    const pos = px(x0 + 9 * 4 + 2, y0 + 9 * 4 + 2); // positive blob centre (9, 9)
    const neg = px(x0 + 19 * 4 + 2, y0 + 19 * 4 + 2); // negative blob centre (19, 19)
    expect(pos[0]).toBeGreaterThan(pos[2] + 50);
    expect(neg[2]).toBeGreaterThan(neg[0] + 50);
  });
});
