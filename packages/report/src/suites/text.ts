/**
 * The suites of the text kinds: a text classifier's texts explained by several token methods and compared by
 * deletion / insertion with the mask token; a GPT's continuations explained token by token.
 */
import { GlassboxError, tf, tokenModelForward } from '@glassbox/tensors-ops';
import type { Attribution, Tensor, TokenModel } from '@glassbox/tensors-ops';
import { attentionRollout, explainGeneration, integratedGradients } from '@glassbox/explainers-gradient';
import { kernelShap, lime, occlusion } from '@glassbox/explainers-perturbation';
import { compareExplainers } from '@glassbox/metrics';
import type { ExplainerEntry } from '@glassbox/metrics';
import { METHOD_LABELS } from '../labels.js';
import { methodRegistry } from '../registry.js';
import type { GenerationResult, GptReport, GptReportModel, TextClassifierReport, TextClassifierReportModel, TokenExplanation } from '../types.js';
import { baseMeta, selectMethods, type SuiteContext } from '../internal/context.js';
import { runStages, type Stage } from '../internal/stages.js';

/** Tokens a GPT report generates after each prompt. */
export const GPT_REPORT_TOKENS = 6;

type TokenExplainer = (model: TokenModel, ids: Tensor, options: Record<string, unknown>) => Promise<Attribution>;

/** Each text method of the suites: the explainer and its options (budgets from the settings). */
function entryOf(ctx: SuiteContext, method: string): { explainer: TokenExplainer; options: Record<string, unknown>; targeted: boolean } {
  const s = ctx.settings;
  switch (method) {
    case 'integratedGradients':
      return { explainer: integratedGradients as unknown as TokenExplainer, options: { steps: s.igSteps }, targeted: true };
    case 'occlusion':
      return { explainer: occlusion as unknown as TokenExplainer, options: { window: [1] }, targeted: true };
    case 'kernelShap':
      return { explainer: kernelShap as unknown as TokenExplainer, options: { samples: s.kernelShapSamples }, targeted: true };
    case 'lime':
      return { explainer: lime as unknown as TokenExplainer, options: { samples: s.kernelShapSamples }, targeted: true };
    case 'attentionRollout':
      return { explainer: attentionRollout as unknown as TokenExplainer, options: {}, targeted: false };
    default:
      throw new GlassboxError('INVALID_ARGUMENT', `${ctx.where}: no text runner for method '${method}'`);
  }
}

/** The options of one explainer call: its own, the target where it takes one, the batch loop's and the seed. */
function callOptions(ctx: SuiteContext, method: string, target: number | undefined): Record<string, unknown> {
  const e = entryOf(ctx, method);
  const seeded = methodRegistry.get(method).info.optionKeys.includes('seed');
  return { ...e.options, ...ctx.batchLoop, ...(seeded ? { seed: ctx.common.seed } : {}), ...(e.targeted && target !== undefined ? { target } : {}) };
}

/** Runs one method on one row of ids [1, L]; returns its L scores. */
async function scoresOf(ctx: SuiteContext, model: TokenModel, ids: Int32Array, method: string, target: number | undefined): Promise<number[]> {
  const x = tf.tensor2d(ids, [1, ids.length], 'int32');
  try {
    const r = await entryOf(ctx, method).explainer(model, x, callOptions(ctx, method, target));
    try {
      return Array.from(await r.attributions.data());
    } finally {
      r.attributions.dispose();
      r.delta?.dispose();
      (r as { rollout?: Tensor }).rollout?.dispose();
    }
  } finally {
    x.dispose();
  }
}

function signedOf(method: string): boolean {
  return methodRegistry.get(method).info.signed;
}

/** Why a method does not apply to the model (null: it does). */
function unavailableFor(model: TokenModel, methods: readonly string[]): Record<string, string | null> {
  return Object.fromEntries(methods.map((m) => [m, m === 'attentionRollout' && typeof model.attention !== 'function' ? 'the model exposes no attention maps (attention(ids))' : null]));
}

const softmax = (v: number[]): number[] => {
  const max = Math.max(...v);
  const e = v.map((x) => Math.exp(x - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

/** The text classifier's suite. */
export async function textClassifierSuite(ctx: SuiteContext): Promise<TextClassifierReport> {
  const where = ctx.where;
  const rm = ctx.model as TextClassifierReportModel;
  const model = rm.model;
  const text = ctx.args.text!;
  const s = ctx.args.samples;
  const rows = text.ids.slice(0, s);
  const { methods, skipped } = selectMethods(ctx, unavailableFor(model, ctx.reportMethods), where, (m) => new GlassboxError('INVALID_ARGUMENT', m));
  const f = tokenModelForward(model);
  const logits: number[][] = [];
  for (const r of rows) {
    const out = tf.tidy(() => f(tf.tensor2d(r, [1, r.length], 'int32')));
    logits.push(Array.from(await out.data()));
    out.dispose();
  }
  const k = logits[0]!.length;
  const predicted = logits.map((l) => l.indexOf(Math.max(...l)));
  const given = ctx.args.target;
  const target = given === undefined ? predicted : Array.isArray(given) ? given : rows.map(() => given);
  target.forEach((t, i) => {
    if (t < 0 || t >= k) throw new GlassboxError('TARGET_OUT_OF_RANGE', `${where}: options.target${Array.isArray(given) ? `[${i}]` : ''} must be a class in 0..${k - 1} (${rm.labels.join(', ')}), got ${t}`);
  });
  const explanations: TokenExplanation[] = [];
  let ranking: TextClassifierReport['ranking'] = null;
  const stages: Stage[] = methods.map((method) => ({
    name: method,
    run: async () => {
      const scores: number[][] = [];
      for (let i = 0; i < rows.length; i++) scores.push(await scoresOf(ctx, model, rows[i]!, method, target[i]));
      explanations.push({ method, label: METHOD_LABELS[method] ?? method, signed: signedOf(method), scores });
    },
  }));
  if (methods.length >= 2) {
    stages.push({
      name: 'compareExplainers',
      run: async () => {
        const entries: Record<string, ExplainerEntry> = {};
        for (const m of methods) {
          const e = entryOf(ctx, m);
          entries[m] = { explainer: e.explainer as ExplainerEntry['explainer'], options: e.options };
        }
        const x = tf.tidy(() => tf.slice(ctx.args.data, 0, s));
        try {
          const table = await compareExplainers(model, x, entries, ['deletion', 'insertion', 'sparseness'], { ...ctx.common, target: target.slice() });
          ranking = {
            columns: table.columns.map((c) => ({ metric: c.metric, direction: c.direction })),
            rows: table.rows.map((r) => ({ method: r.explainer, means: r.means as Record<string, number>, meanRank: r.meanRank, rank: r.rank })),
          };
        } finally {
          x.dispose();
        }
      },
    });
  }
  await runStages(stages, ctx.args, where);
  return {
    kind: 'text-classifier',
    meta: baseMeta(ctx, methods, skipped),
    texts: text.texts.slice(0, s),
    tokens: text.tokens.slice(0, s),
    classNames: rm.labels.slice(),
    predictions: { logits, probabilities: logits.map(softmax), predicted, target, labels: ctx.args.labels?.slice(0, s) ?? null },
    explanations,
    ranking,
  };
}

/** The GPT's suite: a continuation of each prompt, explained token by token; its last token by each method. */
export async function gptSuite(ctx: SuiteContext): Promise<GptReport> {
  const where = ctx.where;
  const rm = ctx.model as GptReportModel;
  const model = rm.model;
  const text = ctx.args.text!;
  const s = ctx.args.samples;
  const { methods, skipped } = selectMethods(ctx, unavailableFor(model, ctx.reportMethods), where, (m) => new GlassboxError('INVALID_ARGUMENT', m));
  const vocab = rm.vocabulary;
  const generations: GenerationResult[] = [];
  const stages: Stage[] = text.texts.slice(0, s).map((prompt, i) => ({
    name: `generation ${i + 1}`,
    run: async () => {
      const promptLength = rm.encode(prompt).ids.length;
      const ids = rm.generate(prompt, { maxTokens: GPT_REPORT_TOKENS, seed: ctx.common.seed + i }).ids;
      const t = ids.length;
      const tokens = Array.from(ids, (id) => vocab[id] ?? `#${id}`);
      const g: GenerationResult = { prompt, tokens, matrix: [], shape: [0, t - 1], positions: [], targets: [], probabilities: [], entropies: [], last: [] };
      const context = ids.slice(0, t - 1);
      const lastToken = ids[t - 1]!;
      for (const method of methods) {
        if (method === 'integratedGradients') {
          const x = tf.tensor2d(ids, [1, t], 'int32');
          try {
            const e = await explainGeneration(model, x, { promptLength, explainerOptions: { steps: ctx.settings.igSteps, ...ctx.batchLoop }, ...(ctx.args.signal ? { signal: ctx.args.signal } : {}) });
            Object.assign(g, { matrix: Array.from(e.matrix), shape: e.shape, positions: e.positions, targets: e.targets, probabilities: e.probabilities, entropies: e.entropies });
            const row = e.shape[0] - 1;
            g.last.push({ method, label: METHOD_LABELS[method] ?? method, signed: true, scores: [Array.from(e.matrix.subarray(row * e.shape[1], row * e.shape[1] + t - 1))] });
          } finally {
            x.dispose();
          }
        } else {
          g.last.push({ method, label: METHOD_LABELS[method] ?? method, signed: signedOf(method), scores: [await scoresOf(ctx, model, context, method, lastToken)] });
        }
      }
      generations.push(g);
    },
  }));
  await runStages(stages, ctx.args, where);
  return { kind: 'gpt', meta: baseMeta(ctx, methods, skipped), generation: { maxTokens: GPT_REPORT_TOKENS, seed: ctx.common.seed }, generations };
}
