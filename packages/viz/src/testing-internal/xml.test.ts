import { describe, expect, it } from 'vitest';
import { findAll, parseXml } from './xml.js';

// The checker itself must be able to fail, or the SVG tests prove nothing.
describe('parseXml (test helper)', () => {
  it('accepts well-formed documents and decodes entities', () => {
    const root = parseXml('<svg a="1"><g><text x="2">a &lt; b &amp; c</text><rect/></g></svg>');
    expect(root.name).toBe('svg');
    expect(findAll(root, 'text')[0].text).toBe('a < b & c');
    expect(findAll(root, 'rect')).toHaveLength(1);
  });
  it.each([
    ['<svg><g></svg>', 'closes'],
    ['<svg><text>a < b</text></svg>', 'bad tag name'],
    ['<svg><text>a & b</text></svg>', "bare '&'"],
    ['<svg a=1/>', 'unquoted'],
    ['<svg a="1" a="2"/>', 'duplicate'],
    ['<svg/><svg/>', 'after the root'],
    ['<svg>', 'never closed'],
    ['<svg a="x<y"/>', "raw '<'"],
  ])('rejects %s', (xml, why) => {
    expect(() => parseXml(xml)).toThrow(why);
  });
});
