#!/usr/bin/env node
// Pick-and-choose installs are real: pack every publishable package with `pnpm pack` (which rewrites
// `workspace:` ranges into real versions), then, for each package, install its tarball and the tarballs of its
// @glassbox dependencies into an empty temporary folder with plain `npm install` (no workspace) and import it
// with plain `node`, by its name and by each subpath of its `exports` (e.g. `@glassbox/tensors-ops/pool`, which
// also starts and closes a one-worker pool: the worker script must ship in the tarball). Fails (exit 1) when any
// package cannot be installed or imported.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const only = process.argv.slice(2);
const packagesDir = join(root, 'packages');
const pkgs = new Map();
for (const dir of readdirSync(packagesDir)) {
  const file = join(packagesDir, dir, 'package.json');
  if (!existsSync(file)) continue;
  const json = JSON.parse(readFileSync(file, 'utf8'));
  if (json.private) continue;
  pkgs.set(json.name, { dir: join(packagesDir, dir), json });
}

// Subpaths not imported here: package.json, and entries that need an optional peer dependency (vitest).
const SKIP_SUBPATHS = new Set(['./package.json', './testing']);
// Extra checks of a subpath, run after importing it as `m` (top-level await allowed).
const SUBPATH_CHECKS = {
  '@glassbox/tensors-ops/pool': `
    if ('createPool' in (await import('@glassbox/tensors-ops'))) throw new Error('createPool must not be exported by the main entry');
    const pool = await m.createPool({ workers: 1, backend: 'cpu' });
    if (!m.isPool(pool) || pool.liveWorkers() !== 1) throw new Error('the pool did not start its worker');
    await pool.close();`,
};

function subpathsOf(json) {
  const exports = json.exports;
  if (exports == null || typeof exports !== 'object') return [];
  return Object.keys(exports).filter((k) => k.startsWith('./') && !k.includes('*') && !SKIP_SUBPATHS.has(k));
}

const work = mkdtempSync(join(tmpdir(), 'glassbox-pack-'));
const tarballs = new Map();
let failed = 0;
try {
  for (const [name, { dir }] of pkgs) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: dir, encoding: 'utf8' });
    const tgz = out.trim().split('\n').pop().trim();
    tarballs.set(name, tgz.startsWith('/') ? tgz : join(work, tgz));
  }
  const closure = (name, seen = new Set()) => {
    if (seen.has(name)) return seen;
    seen.add(name);
    const deps = pkgs.get(name).json.dependencies ?? {};
    for (const d of Object.keys(deps)) if (pkgs.has(d)) closure(d, seen);
    return seen;
  };
  for (const name of pkgs.keys()) {
    if (only.length > 0 && !only.includes(name)) continue;
    const folder = mkdtempSync(join(work, 'install-'));
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'pick-and-choose', private: true, type: 'module' }));
    const files = [...closure(name)].map((n) => tarballs.get(n));
    const started = Date.now();
    try {
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...files], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
      const script = `const m = await import(${JSON.stringify(name)}); const keys = Object.keys(m); if (keys.length === 0) throw new Error('no exports'); console.log(keys.length);`;
      const count = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: folder, encoding: 'utf8' }).trim();
      const subpaths = [];
      for (const sub of subpathsOf(pkgs.get(name).json)) {
        const specifier = `${name}/${sub.slice(2)}`;
        const check = `const m = await import(${JSON.stringify(specifier)}); const keys = Object.keys(m); if (keys.length === 0) throw new Error('no exports');${SUBPATH_CHECKS[specifier] ?? ''} console.log(keys.length);`;
        const n = execFileSync(process.execPath, ['--input-type=module', '-e', check], { cwd: folder, encoding: 'utf8' }).trim().split('\n').pop();
        subpaths.push(`${specifier} (${n} exports)`);
      }
      console.log(
        `ok   ${name}: installed alone with ${files.length - 1} @glassbox dependencies, ${count} exports` +
          (subpaths.length > 0 ? `, ${subpaths.join(', ')}` : '') +
          `, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    } catch (e) {
      failed++;
      console.error(`FAIL ${name}: ${e.message}\n${e.stderr?.toString() ?? ''}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`${failed} package(s) failed the pick-and-choose install test`);
  process.exit(1);
}
