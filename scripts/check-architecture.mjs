#!/usr/bin/env node
// The house rules as a test: imports between packages point one way (apps -> report -> models, adapters,
// explainers, metrics, viz, datasets -> tensors-ops), every @glassbox import of a package's source is a declared
// dependency, and no package's source files import each other in a circle (type-only imports included).
// Run by `pnpm test`; exits 1 and names every offending import. It first checks itself on small made-up trees,
// so a checker that stopped finding anything would fail too.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Which @glassbox packages the runtime source of each package may import. A package not listed here fails the
 * check until it is placed in the house (see docs/ARCHITECTURE.md).
 */
export const ALLOWED = {
  '@glassbox/tensors-ops': [],
  '@glassbox/viz': [],
  '@glassbox/datasets': ['@glassbox/tensors-ops'],
  '@glassbox/adapters': ['@glassbox/tensors-ops'],
  '@glassbox/explainers-gradient': ['@glassbox/tensors-ops'],
  '@glassbox/explainers-perturbation': ['@glassbox/tensors-ops'],
  '@glassbox/metrics': ['@glassbox/tensors-ops'],
  '@glassbox/models-classifier': ['@glassbox/tensors-ops'],
  '@glassbox/models-ae-vae': ['@glassbox/tensors-ops'],
  '@glassbox/models-gan': ['@glassbox/tensors-ops'],
  '@glassbox/models-transformer': ['@glassbox/tensors-ops', '@glassbox/datasets'],
  '@glassbox/report': [
    '@glassbox/tensors-ops',
    '@glassbox/datasets',
    '@glassbox/viz',
    '@glassbox/adapters',
    '@glassbox/explainers-gradient',
    '@glassbox/explainers-perturbation',
    '@glassbox/metrics',
    '@glassbox/models-classifier',
    '@glassbox/models-ae-vae',
    '@glassbox/models-gan',
    '@glassbox/models-transformer',
  ],
};
/** Apps may import any package; nothing may import an app. */
const APP = '*';

const IMPORT_RE = /(?:^|[^\w.$])(?:import|export)\s*(?:type\s+)?(?:[\w*{}\s,$]+?\s*from\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The module specifiers a source text imports (static, re-exports, dynamic with a literal). */
export function importsOf(text) {
  const out = [];
  const stripped = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  for (const m of stripped.matchAll(IMPORT_RE)) out.push(m[1] ?? m[2]);
  return out;
}

function packageOf(spec) {
  if (!spec.startsWith('@glassbox/')) return null;
  return spec.split('/').slice(0, 2).join('/');
}

/**
 * Checks one package. `files` maps a path relative to the package's src/ to its text; `pkg` is its package.json.
 * Returns a list of problems (strings).
 */
export function checkPackage(pkg, files, allowed = ALLOWED) {
  const problems = [];
  const name = pkg.name;
  const isApp = allowed[name] === undefined && pkg.private === true && pkg.glassboxApp === true;
  const rule = allowed[name] ?? (isApp ? APP : undefined);
  if (rule === undefined) problems.push(`${name}: not placed in the house (add it to ALLOWED in scripts/check-architecture.mjs)`);
  const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies }));
  const declaredDev = new Set(Object.keys(pkg.devDependencies ?? {}));
  const graph = new Map();
  for (const [file, text] of files) {
    const isTest = /\.(test|e2e\.test|bench)\.[cm]?[jt]s$/.test(file) || /(^|\/)(testing-internal|fixtures)\//.test(file);
    const edges = [];
    for (const spec of importsOf(text)) {
      const target = packageOf(spec);
      if (target) {
        if (target === name) {
          if (!isTest) problems.push(`${name}: src/${file} imports its own package by name ('${spec}'); use a relative import`);
          continue;
        }
        if (allowed[target] === undefined && !isTest) {
          problems.push(`${name}: src/${file} imports '${spec}', which is an app or an unknown package`);
          continue;
        }
        if (isTest) {
          if (!declared.has(target) && !declaredDev.has(target)) problems.push(`${name}: src/${file} imports '${target}', which package.json does not declare`);
          continue;
        }
        if (rule !== APP && rule !== undefined && !rule.includes(target)) {
          problems.push(`${name}: src/${file} imports '${target}', against the direction of the house (${name} may import ${rule.length ? rule.join(', ') : 'no @glassbox package'})`);
        }
        if (!declared.has(target)) problems.push(`${name}: src/${file} imports '${target}', which is not in dependencies or peerDependencies`);
      } else if (spec.startsWith('.') && !isTest) {
        const base = dirname(file);
        let to = join(base, spec).replace(/\\/g, '/').replace(/\.js$/, '.ts');
        if (!files.has(to) && files.has(`${to}/index.ts`)) to = `${to}/index.ts`;
        if (!files.has(to) && files.has(`${to}.ts`)) to = `${to}.ts`;
        if (files.has(to)) edges.push(to);
      }
    }
    if (!isTest) graph.set(file, edges);
  }
  for (const cycle of cyclesOf(graph)) problems.push(`${name}: circular import ${cycle.map((f) => `src/${f}`).join(' -> ')}`);
  return problems;
}

/** Every elementary cycle found by a depth-first search, one representative per strongly connected component. */
export function cyclesOf(graph) {
  const cycles = [];
  const state = new Map();
  const stack = [];
  const seen = new Set();
  const visit = (node) => {
    state.set(node, 1);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 1) {
        const cycle = stack.slice(stack.indexOf(next)).concat(next);
        const key = [...new Set(cycle)].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 2);
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

function walk(dir, root = dir, out = new Map()) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'vendor' || entry === 'wasm' || entry === 'dist') continue;
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) walk(p, root, out);
    else if (/\.(ts|tsx|mts|mjs|js)$/.test(entry) && !entry.endsWith('.d.ts')) out.set(relative(root, p).replace(/\\/g, '/'), readFileSync(p, 'utf8'));
  }
  return out;
}

function selfTest() {
  const upward = checkPackage(
    { name: '@glassbox/explainers-gradient', dependencies: { '@glassbox/tensors-ops': 'workspace:^', '@glassbox/models-gan': 'workspace:^' } },
    new Map([['a.ts', "import { GAN } from '@glassbox/models-gan';\nimport { tf } from '@glassbox/tensors-ops';\n"]]),
  );
  const undeclared = checkPackage({ name: '@glassbox/metrics', dependencies: {} }, new Map([['a.ts', "import type { X } from '@glassbox/tensors-ops';"]]));
  const circular = checkPackage(
    { name: '@glassbox/tensors-ops' },
    new Map([
      ['nn/a.ts', "import type { B } from './b.js';\nexport const a = 1;"],
      ['nn/b.ts', "export { a } from './a.js';"],
      ['nn/c.ts', "import { a } from './a.js';"],
    ]),
  );
  const clean = checkPackage(
    { name: '@glassbox/report', dependencies: { '@glassbox/metrics': 'workspace:^' } },
    new Map([
      ['a.ts', "// import { x } from '@glassbox/cli'\nconst m = await import('@glassbox/metrics');\nimport { b } from './b.js';"],
      ['b.ts', 'export const b = 2;'],
    ]),
  );
  const ok =
    upward.length === 1 && upward[0].includes('against the direction') &&
    undeclared.length === 1 && undeclared[0].includes('not in dependencies') &&
    circular.length === 1 && circular[0].includes('circular import') &&
    clean.length === 0;
  if (!ok) {
    console.error('check-architecture: the self-test failed', { upward, undeclared, circular, clean });
    process.exit(1);
  }
}

function main() {
  selfTest();
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const problems = [];
  let count = 0;
  for (const group of ['packages', 'apps']) {
    for (const dir of readdirSync(join(root, group))) {
      const pj = join(root, group, dir, 'package.json');
      if (!existsSync(pj)) continue;
      const pkg = JSON.parse(readFileSync(pj, 'utf8'));
      if (group === 'apps') pkg.glassboxApp = true;
      const src = join(root, group, dir, 'src');
      if (!existsSync(src)) continue;
      problems.push(...checkPackage(pkg, walk(src)));
      count++;
    }
  }
  if (problems.length) {
    console.error(`check-architecture: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`check-architecture: ${count} packages, imports point one way, no circular imports`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
