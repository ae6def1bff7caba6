// The demo's worker: it owns TensorFlow.js (WASM backend, SIMD, threads when cross-origin isolated), the models
// and the digits, runs every explanation and metric, and posts plain typed arrays back. The page never touches a
// tensor, so it stays responsive while an explanation runs; a 'cancel' message aborts the run's AbortSignal.
import { isGlassboxError } from '@glassbox/tensors-ops';
import type { ExplainData, Request } from './protocol.js';
import { Progress, post, scope } from './worker/post.js';
import { init } from './worker/data.js';
import { getModel, prepare } from './worker/models.js';
import { explain } from './worker/explain.js';
import { latentPanel } from './worker/latent.js';
import { report } from './worker/report.js';
import { gptExplain, gptGenerate, spamExplain } from './worker/text.js';

const running = new Map<number, AbortController>();

// Content-Security-Policy violations inside the worker are logged as errors (the end-to-end test fails on any).
self.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation in the worker: ${e.violatedDirective} blocked ${e.blockedURI}`));

scope.onmessage = (event: MessageEvent<Request>): void => {
  const req = event.data;
  if (req.type === 'cancel') {
    running.get(req.id)?.abort();
    return;
  }
  void handle(req);
};

async function handle(req: Exclude<Request, { type: 'cancel' }>): Promise<void> {
  const id = req.type === 'init' ? 0 : req.id;
  const controller = new AbortController();
  running.set(id, controller);
  try {
    switch (req.type) {
      case 'init':
        await init(req.backend, req.threads, req.breakWasm === true);
        break;
      case 'load': {
        const m = await getModel(req.model);
        post({ type: 'loaded', id, info: m.info });
        break;
      }
      case 'predict': {
        const m = await getModel(req.model);
        const p = prepare(m, req.input);
        try {
          post({ type: 'predicted', id, output: p.output });
        } finally {
          p.dispose();
        }
        break;
      }
      case 'explain': {
        const result = await explain(req, controller.signal);
        post({ type: 'explained', id, result }, transfersOf(result));
        break;
      }
      case 'latent': {
        const m = await getModel(req.model);
        const p = prepare(m, req.input);
        try {
          const progress = new Progress(id, 3);
          const latent = await latentPanel(m, p, req.region, req.steps, req.dims, progress, controller.signal);
          post({ type: 'latent', id, latent }, [latent.attributions.buffer, latent.traversal.buffer, latent.jacobian.buffer]);
        } finally {
          p.dispose();
        }
        break;
      }
      case 'report': {
        const html = await report(req.id, req.model, req.input, controller.signal);
        post({ type: 'report', id, html });
        break;
      }
      case 'gpt-generate': {
        const generation = await gptGenerate(req.prompt, req.seed, req.temperature);
        post({ type: 'gpt-generated', id, generation });
        break;
      }
      case 'gpt-explain': {
        const progress = new Progress(id, 1);
        const result = await gptExplain(req.ids, req.promptLength, req.method, progress.begin('generated characters'), controller.signal);
        post({ type: 'gpt-explained', id, result }, [result.matrix.buffer, result.attention.buffer, result.rollout.buffer]);
        break;
      }
      case 'spam-explain': {
        const result = await spamExplain(req.text, req.method, req.target, new Progress(id, 2), controller.signal);
        post({ type: 'spam-explained', id, result }, [result.scores.buffer]);
        break;
      }
    }
  } catch (e) {
    const code = isGlassboxError(e) ? e.code : undefined;
    const message = e instanceof Error ? e.message : String(e);
    if (code !== 'ABORTED') console.error(e);
    post({ type: 'error', id, ...(code !== undefined ? { code } : {}), message });
  } finally {
    running.delete(id);
  }
}

function transfersOf(r: ExplainData): Transferable[] {
  const t: Transferable[] = [r.attributions.buffer];
  if (r.segments) t.push(r.segments.buffer);
  if (r.latent) t.push(r.latent.attributions.buffer, r.latent.traversal.buffer, r.latent.jacobian.buffer);
  return t;
}
