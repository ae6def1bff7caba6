// Tiny helpers to write SVG as strings, without a DOM. Internal except escapeXml.

/**
 * Escapes text for XML content and attribute values: `& < > " '` become entities, and characters that
 * XML 1.0 does not allow (control characters other than tab, newline and carriage return, lone
 * surrogates, U+FFFE, U+FFFF) are dropped.
 *
 * @example
 * ```ts
 * escapeXml('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 * ```
 */
export function escapeXml(text: string): string {
  const s = String(text);
  // Fast path: most attribute values (numbers, colours, class names) have nothing to escape or drop.
  if (!/[&<>"'\u0000-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/.test(s)) return s;
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Internal: number for an attribute, rounded to 2 decimals, no '-0'. */
export function n2(v: number): string {
  const r = Math.round(v * 100) / 100;
  return String(r === 0 ? 0 : r);
}

/** Internal: an element with attributes (values escaped) and optional raw inner XML. */
export function el(name: string, attrs: Record<string, string | number | undefined>, inner?: string): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? n2(v) : (v as string))}"`)
    .join('');
  return inner === undefined ? `<${name}${a}/>` : `<${name}${a}>${inner}</${name}>`;
}

/** Internal: a <text> element with escaped content. */
export function text(attrs: Record<string, string | number | undefined>, content: string): string {
  return el('text', attrs, escapeXml(content));
}

/** Internal: the root <svg> element. */
export function svgRoot(width: number, height: number, inner: string, fontSize: number, title?: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n2(width)}" height="${n2(height)}" viewBox="0 0 ${n2(width)} ${n2(height)}" ` +
    `font-family="sans-serif" font-size="${n2(fontSize)}" role="img">` +
    (title ? `<title>${escapeXml(title)}</title>` : '') +
    inner +
    '</svg>'
  );
}

/** Internal: a short deterministic hash (FNV-1a, 8 hex digits) for element ids shared by identical content. */
export function fnv1a(content: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < content.length; i++) {
    h ^= content.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
