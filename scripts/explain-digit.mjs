#!/usr/bin/env node
// The main job, end to end: load the pretrained digits CNN, pick one test digit, explain the predicted class
// with integrated gradients on the WASM backend, and write a PNG (digit | heatmap | overlay, with a colorbar);
// then write a sample HTML report of the classifier (a suite of explainers scored by the metrics) next to it.
// Usage: node scripts/explain-digit.mjs [index=0] [out=out/explain-digit.png]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { initBackend, tf } from '@glassbox/tensors-ops';
import { loadDigits } from '@glassbox/datasets';
import { loadPretrained } from '@glassbox/models-classifier';
import { integratedGradients } from '@glassbox/explainers-gradient';
import { explainModel, renderReport } from '@glassbox/report';
import { colorbar, createImage, fromGray, grid, heatmap, overlay, scaleImage, toPNG } from '@glassbox/viz';

const index = Number(process.argv[2] ?? 0);
const out = resolve(process.argv[3] ?? 'out/explain-digit.png');

const info = await initBackend();
console.log(`backend: ${info.backend}, SIMD: ${info.simd}, threads: ${info.threads}`);

const model = await loadPretrained('digits-cnn');
const { x, y } = await loadDigits({ split: 'test' });
if (!Number.isInteger(index) || index < 0 || index >= y.length) {
  console.error(`index must be an integer in 0..${y.length - 1}, got ${process.argv[2]}`);
  process.exit(2);
}
const digit = tf.slice(x, index, 1);
const reportInputs = tf.slice(x, index, 2);
x.dispose();

const logits = model.predict(digit);
const probs = tf.softmax(logits);
const p = Array.from(await probs.data());
const predicted = p.indexOf(Math.max(...p));
tf.dispose([logits, probs]);
console.log(`test digit #${index}: label ${y[index]}, predicted ${predicted} (p = ${p[predicted].toFixed(3)})`);

const started = performance.now();
const { attributions, delta } = await integratedGradients(model, digit, { target: predicted, steps: 64, method: 'gausslegendre' });
const ms = performance.now() - started;
const values = Float32Array.from(await attributions.data());
const gap = (await delta.data())[0];
const pixels = Float32Array.from(await digit.data());
tf.dispose([attributions, delta, digit]);
console.log(`integrated gradients (64 Gauss-Legendre steps): ${ms.toFixed(0)} ms, completeness gap ${gap.toExponential(2)}`);

const { image: map, scale } = heatmap(values, [28, 28], { mode: 'signed' });
const input = fromGray(pixels, [28, 28]);
const big = (im) => scaleImage(im, 8);
const picture = grid([big(input), big(map), big(overlay(input, map, { alpha: 0.6 }))], {
  columns: 3,
  padding: 8,
  labels: [`digit ${y[index]}`, `IG class ${predicted}`, 'overlay'],
});
const bar = colorbar('RdBu_r', scale, { orientation: 'horizontal', width: picture.width - 16, height: 24 });
// Stack the picture and the colorbar (centred) on one white page.
const page = createImage(picture.width, picture.height + bar.height + 8, [255, 255, 255, 255]);
const blit = (src, left, top) => {
  for (let row = 0; row < src.height; row++) {
    page.data.set(src.data.subarray(row * src.width * 4, (row + 1) * src.width * 4), ((top + row) * page.width + left) * 4);
  }
};
blit(picture, 0, 0);
blit(bar, Math.floor((page.width - bar.width) / 2), picture.height + 4);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, toPNG(page));
console.log(`wrote ${out} (${page.width}x${page.height})`);

const reportStarted = performance.now();
const result = await explainModel(model, reportInputs, { samples: 2, seed: 1 });
reportInputs.dispose();
const reportPath = resolve(dirname(out), 'report.html');
writeFileSync(reportPath, renderReport(result, { title: 'Glassbox report: digits CNN' }));
console.log(`wrote ${reportPath} (${((performance.now() - reportStarted) / 1000).toFixed(1)} s)`);
