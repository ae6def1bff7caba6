// The HTML report of @glassbox/report: its suite for the model's kind on the input and three test digits.
import { tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import { explainModel, renderReport } from '@glassbox/report';
import type { ReportModel } from '@glassbox/report';
import { modelEntry } from '../methods.js';
import type { ModelId } from '../methods.js';
import type { InputSpec } from '../protocol.js';
import { post } from './post.js';
import { dataRows } from './data.js';
import { getModel, prepare } from './models.js';
import { adapterOf } from './kind.js';

export async function report(id: number, modelId: ModelId, input: InputSpec, signal: AbortSignal): Promise<string> {
  const l = await getModel(modelId);
  const p = prepare(l, input);
  let data: Tensor | null = null;
  try {
    // A GAN's report explains its discriminator on real images (the adapter's reportData); the others explain the input.
    data = tf.tidy(() => (adapterOf(l).reportData === 'real' ? dataRows(4) : tf.concat([p.x, dataRows(3)], 0)));
    const result = await explainModel(l.model as ReportModel, data, {
      samples: 4,
      seed: 0,
      signal,
      settings: { igSteps: 16, noiseSamples: 4, kernelShapSamples: 64, curveSteps: 8, infidelitySamples: 8, sensitivitySamples: 1, sensitivityRows: 1 },
      onProgress: (done, total, stage) => post({ type: 'progress', id, stage, done: 1, total: 1, step: Math.max(0, done - 1), steps: total }),
    });
    return renderReport(result, { title: `Glassbox report: ${modelEntry(modelId).label}` });
  } finally {
    if (data !== null) data.dispose();
    p.dispose();
  }
}
