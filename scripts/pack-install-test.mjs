#!/usr/bin/env node
// Pick-and-choose installs are real: pack every publishable package with `pnpm pack` (which rewrites
// `workspace:` ranges into real versions), then, for each package, install its tarball and the tarballs of its
// @glassbox dependencies into an empty temporary folder with plain `npm install` (no workspace) and import it
// with plain `node`. Fails (exit 1) when any package cannot be installed or imported.
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
      console.log(`ok   ${name}: installed alone with ${files.length - 1} @glassbox dependencies, ${count} exports, ${((Date.now() - started) / 1000).toFixed(1)} s`);
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
