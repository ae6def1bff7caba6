import { describe, expect, it } from 'vitest';
import { el, escapeXml, n2, svgRoot, text } from './svg.js';
import { parseXml } from './testing-internal/xml.js';

describe('escapeXml', () => {
  it('escapes the five XML special characters', () => {
    expect(escapeXml(`a < b & "c" > 'd'`)).toBe('a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;');
  });
  it('drops characters XML 1.0 forbids, keeps tab/newline and astral characters', () => {
    expect(escapeXml('a\u0000b\u0007c\td\ne\uFFFF')).toBe('ab' + 'c\td\ne');
    expect(escapeXml('x\uD800y')).toBe('xy'); // lone surrogate
    expect(escapeXml('😀')).toBe('😀');
  });
});

describe('svg helpers (internal)', () => {
  it('build well-formed elements with escaped attributes and text', () => {
    const svg = svgRoot(10, 20, el('g', { class: 'a"b' }, text({ x: 1.234 }, '<&>')), 12, 'T & U');
    const root = parseXml(svg);
    expect(root.attrs.width).toBe('10');
    expect(root.children[0].name).toBe('title');
    expect(root.children[0].text).toBe('T & U');
    expect(root.children[1].attrs.class).toBe('a"b');
    expect(root.children[1].children[0].attrs.x).toBe('1.23');
    expect(root.children[1].children[0].text).toBe('<&>');
  });
  it('n2 rounds to 2 decimals and never prints -0', () => {
    expect(n2(1.005)).toBe(String(Math.round(1.005 * 100) / 100));
    expect(n2(-0.001)).toBe('0');
  });
});
