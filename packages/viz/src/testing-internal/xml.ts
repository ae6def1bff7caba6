// Test helper: a small, DOM-free XML well-formedness checker (elements, attributes, entities, comments).
// Not part of the build (tsconfig.build excludes src/testing-internal).

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
const NAME = /^[A-Za-z_][\w.:-]*/;

function decode(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

function checkText(s: string, where: number): void {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '<') throw new Error(`XML: raw '<' at ${where + i}`);
    if (s[i] === '&' && !ENTITY.test(s.slice(i))) throw new Error(`XML: bare '&' at ${where + i}`);
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x9 && c !== 0xa && c !== 0xd) throw new Error(`XML: control character ${c} at ${where + i}`);
  }
}

/** Parses `xml` and returns the root element, or throws an Error describing the first problem. */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const skipSpace = (): void => {
    while (i < xml.length && /\s/.test(xml[i])) i++;
  };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) throw new Error('XML: unterminated declaration');
    i = end + 2;
  }
  skipSpace();
  while (i < xml.length) {
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) throw new Error(`XML: unterminated comment at ${i}`);
      i = end + 3;
      continue;
    }
    if (xml.startsWith('</', i)) {
      i += 2;
      const m = NAME.exec(xml.slice(i));
      if (!m) throw new Error(`XML: bad closing tag at ${i}`);
      i += m[0].length;
      skipSpace();
      if (xml[i] !== '>') throw new Error(`XML: expected '>' at ${i}`);
      i++;
      const open = stack.pop();
      if (!open || open.name !== m[0]) throw new Error(`XML: </${m[0]}> closes <${open?.name ?? 'nothing'}>`);
      if (stack.length === 0) {
        skipSpace();
        if (i < xml.length) throw new Error(`XML: content after the root element at ${i}`);
      }
      continue;
    }
    if (xml[i] === '<') {
      i++;
      const m = NAME.exec(xml.slice(i));
      if (!m) throw new Error(`XML: bad tag name at ${i}`);
      i += m[0].length;
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
      for (;;) {
        const before = i;
        skipSpace();
        if (xml.startsWith('/>', i) || xml[i] === '>') break;
        if (i === before) throw new Error(`XML: expected whitespace before attribute at ${i}`);
        const a = NAME.exec(xml.slice(i));
        if (!a) throw new Error(`XML: bad attribute name at ${i}`);
        i += a[0].length;
        if (xml[i] !== '=') throw new Error(`XML: expected '=' after ${a[0]} at ${i}`);
        i++;
        const q = xml[i];
        if (q !== '"' && q !== "'") throw new Error(`XML: unquoted attribute ${a[0]} at ${i}`);
        const end = xml.indexOf(q, i + 1);
        if (end < 0) throw new Error(`XML: unterminated attribute ${a[0]}`);
        const raw = xml.slice(i + 1, end);
        checkText(raw, i + 1);
        if (a[0] in el.attrs) throw new Error(`XML: duplicate attribute ${a[0]}`);
        el.attrs[a[0]] = decode(raw);
        i = end + 1;
      }
      if (stack.length === 0) {
        if (root) throw new Error('XML: more than one root element');
        root = el;
      } else {
        stack[stack.length - 1].children.push(el);
      }
      if (xml.startsWith('/>', i)) {
        i += 2;
        if (stack.length === 0) {
          skipSpace();
          if (i < xml.length) throw new Error(`XML: content after the root element at ${i}`);
        }
      } else {
        i++;
        stack.push(el);
      }
      continue;
    }
    const next = xml.indexOf('<', i);
    const end = next < 0 ? xml.length : next;
    const chunk = xml.slice(i, end);
    if (stack.length === 0) throw new Error(`XML: text outside the root element at ${i}`);
    checkText(chunk, i);
    stack[stack.length - 1].text += decode(chunk);
    i = end;
  }
  if (stack.length > 0) throw new Error(`XML: <${stack[stack.length - 1].name}> is never closed`);
  if (!root) throw new Error('XML: no root element');
  return root;
}

/** All elements named `name`, depth-first in document order. */
export function findAll(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return out;
}
