/** Small helpers to write the report's HTML as strings. */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A number for a table: 3 significant digits, exponent form for very large or small values, a dash for null/NaN. */
export function fmt(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

export function percent(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '—';
}

/** A finite number or 0 (values that went through JSON may be null). */
export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** A finite number or NaN (for charts, where NaN leaves a gap). */
export function numOrNaN(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : NaN;
}

export function mean(values: readonly unknown[]): number {
  const ok = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return ok.length === 0 ? NaN : ok.reduce((a, b) => a + b, 0) / ok.length;
}

/**
 * An SVG chart of @glassbox/viz for inline use in HTML: the xmlns attribute is dropped (an HTML parser puts
 * <svg> in the SVG namespace by itself), so the page holds no http(s) reference at all.
 */
export function inlineSvg(svg: string): string {
  return svg.replace(/\s+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, '');
}

export function section(title: string, body: string, note?: string): string {
  return `<section><h2>${escapeHtml(title)}</h2>${note ? `<p class="note">${escapeHtml(note)}</p>` : ''}${body}</section>`;
}

export function table(header: string[], rows: string[][], className = ''): string {
  const head = `<thead><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr></thead>`;
  const body = `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody>`;
  return `<div class="scroll"><table${className ? ` class="${className}"` : ''}>${head}${body}</table></div>`;
}

export function figure(content: string, caption?: string): string {
  return `<figure>${content}${caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : ''}</figure>`;
}

export const CSS = `
:root{color-scheme:light;--ink:#1d232b;--muted:#5b6570;--line:#d9dee4;--bg:#fff;--accent:#2166ac}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg);margin:0 auto;max-width:1200px;padding:24px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.meta{color:var(--muted);margin:0 0 12px}
.note{color:var(--muted);margin:4px 0 10px;max-width:75ch}
.scroll{overflow-x:auto}
table{border-collapse:collapse;margin:6px 0}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:center;vertical-align:middle}
th{background:#f3f5f7;font-weight:600}
td.l,th.l{text-align:left}
img.pic{image-rendering:pixelated;image-rendering:crisp-edges;display:block;margin:auto}
.cap{font-size:12px;color:var(--muted);margin-top:2px}
figure{display:inline-block;margin:6px 12px 6px 0;vertical-align:top}
figcaption{font-size:12px;color:var(--muted);max-width:60ch}
.best{font-weight:700}
details{margin-top:24px;color:var(--muted)}
code{font-size:12px}
footer{margin-top:32px;color:var(--muted);font-size:12px}
`;
