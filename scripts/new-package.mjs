#!/usr/bin/env node
// Scaffold a new publishable package: node scripts/new-package.mjs <dir-name> "<description>" [dep ...]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [dir, description = '', ...deps] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node scripts/new-package.mjs <dir-name> "<description>" [@glassbox/dep ...]');
  process.exit(2);
}
const root = join(import.meta.dirname, '..', 'packages', dir);
if (existsSync(join(root, 'package.json'))) {
  console.error(`packages/${dir} exists`);
  process.exit(2);
}
mkdirSync(join(root, 'src'), { recursive: true });
const name = `@glassbox/${dir}`;
const pkg = {
  name,
  version: '0.0.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  main: './dist/index.js',
  types: './dist/index.d.ts',
  exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './package.json': './package.json' },
  files: ['dist'],
  engines: { node: '>=20.19' },
  scripts: {
    build: 'tsc -p tsconfig.build.json',
    typecheck: 'tsc -p tsconfig.json --noEmit',
    lint: 'tsc -p tsconfig.json --noEmit --noUnusedLocals --noUnusedParameters',
    test: 'vitest run',
    bench: 'node --version',
  },
  dependencies: Object.fromEntries(deps.map((d) => [d, 'workspace:^'])),
  peerDependencies: { '@tensorflow/tfjs-core': '^4.22.0' },
  devDependencies: { '@tensorflow/tfjs-core': '^4.22.0' },
};
writeFileSync(join(root, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(
  join(root, 'tsconfig.json'),
  JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['src', 'test'] }, null, 2) + '\n',
);
writeFileSync(join(root, 'tsconfig.build.json'), JSON.stringify({ extends: '../../tsconfig.build.base.json' }, null, 2) + '\n');
writeFileSync(
  join(root, 'vitest.config.ts'),
  "import { defineConfig, mergeConfig } from 'vitest/config';\nimport { sharedConfig } from '../../vitest.shared.ts';\n\nexport default mergeConfig(sharedConfig, defineConfig({}));\n",
);
writeFileSync(join(root, 'CHANGELOG.md'), `# ${name}\n`);
writeFileSync(join(root, 'src', 'index.ts'), 'export {};\n');
console.log(`created packages/${dir}`);
