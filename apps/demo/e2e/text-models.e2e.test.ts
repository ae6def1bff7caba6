// The pretrained text models of @glassbox/models-transformer load in a browser app bundle: builds e2e/text-page/
// with Vite twice (default settings, which inline assets under 4 KB as data: URLs, and with inlining off), serves
// each build from a static server on localhost and drives Debian's chromium with playwright-core. The browser's
// generated name and spam logits must equal what the same calls give in Node on the same (WASM) backend.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium). Without chromium the suite is skipped with a message.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@glassbox/tensors-ops';
import { loadPretrained } from '@glassbox/models-transformer';
import type { TextPageResult } from './text-page/main.ts';

const pageRoot = fileURLToPath(new URL('./text-page/', import.meta.url));
const outRoot = fileURLToPath(new URL('./out/', import.meta.url));
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const haveChromium = existsSync(executablePath);
if (!haveChromium) console.warn(`[text e2e] SKIPPED: chromium not found at ${executablePath}`);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** The same calls as the page, in Node. */
async function inNode(): Promise<Omit<TextPageResult, 'leaked'>> {
  const info = await initBackend();
  const gpt = await loadPretrained('names-gpt');
  const clf = await loadPretrained('spam-encoder');
  try {
    const name = gpt.generate('ma', { seed: 7, maxTokens: 12 }).text;
    const { ids } = clf.encode('Subject: win money now\n\nclick here to claim your free prize');
    const spamLogits = tf.tidy(() => Array.from(clf.predict(tf.tensor2d(Array.from(ids), [1, ids.length], 'int32')).dataSync()));
    return { backend: info.backend, name, spamLogits };
  } finally {
    gpt.dispose();
    clf.dispose();
  }
}

describe.skipIf(!haveChromium)('models-transformer pretrained models in a browser bundle', () => {
  let browser: Browser;
  let dir = '';
  let expected: Omit<TextPageResult, 'leaked'>;

  beforeAll(async () => {
    expected = await inNode();
    mkdirSync(outRoot, { recursive: true });
    dir = mkdtempSync(join(outRoot, 'text-'));
    browser = await chromium.launch({ executablePath, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [label, assetsInlineLimit] of [['default asset inlining', undefined], ['no asset inlining', 0]] as const) {
    it(`loads names-gpt and spam-encoder with loadPretrained (${label}) and matches Node`, async () => {
      const outDir = join(dir, label.replace(/\s+/g, '-'));
      await build({
        root: pageRoot,
        logLevel: 'silent',
        configFile: false,
        base: './',
        build: { outDir, emptyOutDir: true, target: 'esnext', ...(assetsInlineLimit === undefined ? {} : { assetsInlineLimit }) },
      });
      const server = await serve(outDir);
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith('http://127.0.0.1') && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) problems.push(`request off localhost: ${r.url()}`);
      });
      try {
        await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        const got = await page.evaluate(() => (window as unknown as { textPage: Promise<TextPageResult> }).textPage);
        expect(problems).toEqual([]);
        expect(got.backend).toBe('wasm');
        expect(got.leaked).toBe(0);
        expect(got.name.startsWith('ma')).toBe(true);
        expect(got.name).toBe(expected.name);
        expect(got.spamLogits.length).toBe(2);
        for (let i = 0; i < 2; i++) expect(Math.abs(got.spamLogits[i]! - expected.spamLogits[i]!)).toBeLessThan(1e-4);
      } finally {
        await page.close();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  }
});
