// The pages of the text kinds: token heatmaps (inline HTML spans) and the generation matrix (inline SVG).
import { generationMatrix, tokenHeatmap } from '@glassbox/viz';
import type { GptReport, TextClassifierReport, TokenExplanation } from '../types.js';
import { escapeHtml, fmt, inlineSvg, num, percent, section, table } from './html.js';

/** A token heatmap as inline HTML (scores of one text), or a dash when there is nothing to draw. */
function heat(tokens: string[], scores: number[] | undefined, signed: boolean, title: string): string {
  if (scores === undefined || scores.length === 0 || tokens.length === 0) return '–';
  const n = Math.min(tokens.length, scores.length);
  const values = scores.slice(0, n).map((v) => (Number.isFinite(num(v)) ? num(v) : 0));
  return tokenHeatmap(tokens.slice(0, n), values, { mode: signed ? 'signed' : 'abs', title, colorbar: false }).html;
}

/** The text classifier's page: predictions, one token heatmap per method and text, the ranking. */
export function renderTextClassifier(r: TextClassifierReport): string {
  const names = r.classNames;
  const nameOf = (k: number) => names[k] ?? String(k);
  const p = r.predictions;
  const parts: string[] = [];
  const rows = r.texts.map((_, i) => {
    const probs = p.probabilities[i] ?? [];
    const cap = [
      `predicted ${escapeHtml(nameOf(p.predicted[i] ?? 0))} (${percent(probs[p.predicted[i] ?? 0])})`,
      p.labels ? `label ${escapeHtml(nameOf(p.labels[i] ?? 0))}` : '',
      `explained: ${escapeHtml(nameOf(p.target[i] ?? 0))}`,
    ].filter(Boolean);
    return [`text ${i + 1}<div class="cap">${cap.join('<br>')}</div>`, ...r.explanations.map((e: TokenExplanation) => heat(r.tokens[i] ?? [], e.scores[i], e.signed, e.label))];
  });
  parts.push(
    section(
      'Which tokens made each prediction',
      table(['text', ...r.explanations.map((e) => escapeHtml(e.label))], rows),
      'Per-token scores of the explained class (red raises it, blue lowers it; rollout is a magnitude: how much of each token reaches [CLS]). Attention is not by itself an explanation (Jain & Wallace 2019): compare it with the attribution methods below.',
    ),
  );
  if (r.ranking !== null) {
    const cols = r.ranking.columns;
    parts.push(
      section(
        'How faithful each explanation is',
        table(
          ['rank', 'method', ...cols.map((c) => `${escapeHtml(c.metric)} (${escapeHtml(c.direction)})`)],
          r.ranking.rows.map((row) => [String(row.rank), escapeHtml(row.method), ...cols.map((c) => fmt(row.means[c.metric]))]),
        ),
        'Deletion / insertion: the normalised area under the explained score as tokens are replaced by the mask token in the order of the scores (or put back into an all-mask text); sparseness: Gini index of |scores| over the real tokens.',
      ),
    );
  }
  return parts.join('');
}

/** The GPT's page: per continuation, the generation matrix and the last token's heatmaps. */
export function renderGpt(r: GptReport): string {
  const parts: string[] = [];
  r.generations.forEach((g, i) => {
    const body: string[] = [];
    if (g.shape[0] > 0) {
      const rowLabels = g.positions.map((p) => g.tokens[p] ?? '?');
      const matrix = g.matrix.map((v) => (v === null ? NaN : v));
      body.push(
        inlineSvg(
          generationMatrix(matrix, g.shape, {
            rowLabels,
            colLabels: g.tokens.slice(0, g.shape[1]),
            positions: g.positions,
            probabilities: g.probabilities,
            entropies: g.entropies,
            title: `prompt ${JSON.stringify(g.prompt)}: integrated gradients of each generated token`,
          }).svg,
        ),
      );
    }
    const context = g.tokens.slice(0, -1);
    const last = g.tokens[g.tokens.length - 1] ?? '';
    body.push(table(['method', `why ${escapeHtml(JSON.stringify(last))} after the tokens before it`], g.last.map((e) => [escapeHtml(e.label), heat(context, e.scores[0], e.signed, e.label)])));
    parts.push(section(`Continuation ${i + 1}: ${JSON.stringify(g.tokens.join(''))}`, body.join(''), 'Rows: each generated token, explained over every token before it (red raised its logit, blue lowered it), with the probability the model gave it and the entropy of that step (high: the model was unsure).'));
  });
  return parts.join('');
}
