// Vite config of the demo. Three things matter beyond the defaults:
// - Cross-origin isolation (COOP + COEP) in dev and preview, so that the WASM backend gets SharedArrayBuffer and
//   runs multithreaded; the Content-Security-Policy of index.html is also sent as a header, which covers the module
//   worker (a worker does not inherit a page's <meta> policy).
// - Offline assets: the WASM binaries, the weights and the digits are referenced by the packages with literal
//   `new URL('./…', import.meta.url)`; Vite emits them as files (never inlined: assetsInlineLimit 0). The
//   @glassbox packages are not pre-bundled, so in dev import.meta.url keeps pointing at their dist folders.
// - The WASM backend starts its thread workers from `factory.toString()`; the production build must keep that
//   function self-contained (see `worker.rolldownOptions` below and README.md).
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

const headers = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': CSP,
};

const glassbox = [
  '@glassbox/tensors-ops',
  '@glassbox/datasets',
  '@glassbox/viz',
  '@glassbox/explainers-gradient',
  '@glassbox/explainers-perturbation',
  '@glassbox/metrics',
  '@glassbox/report',
  '@glassbox/models-classifier',
  '@glassbox/models-ae-vae',
  '@glassbox/models-gan',
  '@glassbox/models-transformer',
  '@glassbox/adapters',
];

/**
 * @glassbox/datasets references both digit splits with literal URLs; the demo only ever loads the test split, so
 * the 6.3 MB training asset is left out of the build (loadDigits({ split: 'train' }) would fail, and is not used).
 */
function dropTrainingDigits(): Plugin {
  return {
    name: 'glassbox-demo:drop-training-digits',
    generateBundle(_options, bundle) {
      for (const name of Object.keys(bundle)) if (/(^|\/)digits-train-[\w-]+\.bin$/.test(name)) delete bundle[name];
    },
  };
}

/** The policy is written out in index.html (readable where it applies); this keeps it equal to the header's. */
function sameCspAsHeader(): Plugin {
  return {
    name: 'glassbox-demo:csp',
    transformIndexHtml(html) {
      const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
      const policy = meta?.[1]?.replace(/\s+/g, ' ').trim();
      if (policy !== CSP) throw new Error(`index.html's Content-Security-Policy differs from vite.config.ts's:\n  ${policy}\n  ${CSP}`);
      return html;
    },
  };
}

export default defineConfig({
  plugins: [sameCspAsHeader()],
  base: './',
  server: { headers },
  preview: { headers },
  optimizeDeps: {
    exclude: glassbox,
    // What the excluded packages import that Vite must still pre-bundle (CommonJS inside).
    include: [
      '@tensorflow/tfjs-core',
      '@glassbox/tensors-ops > @tensorflow/tfjs-backend-wasm',
      '@glassbox/tensors-ops > @tensorflow/tfjs-backend-cpu',
      '@glassbox/viz > fast-png',
      '@glassbox/viz > d3-scale',
      '@glassbox/viz > d3-scale-chromatic',
      '@glassbox/viz > d3-shape',
    ],
  },
  worker: {
    format: 'es',
    plugins: () => [dropTrainingDigits()],
    // The threaded WASM backend starts each pthread from a Blob of `wasmFactoryThreadedSimd.toString()`. A
    // compressing minifier rewrites that function against its enclosing scope (it folds
    // `typeof _scriptDir !== 'undefined' && _scriptDir` to the variable, which does not exist in the thread:
    // "ReferenceError: e is not defined"), so the worker bundle is mangled and stripped of whitespace but not
    // compressed. The e2e test checks the thread count of this build.
    rolldownOptions: { checks: { bundlerTimings: false }, output: { minify: { compress: false, mangle: true, codegen: true } } },
  },
  build: {
    target: 'es2022',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
