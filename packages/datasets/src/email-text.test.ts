import { describe, expect, it } from 'vitest';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { emailToText, htmlToText, tidyWhitespace } from './email-text.js';

const crlf = (lines: string[]): string => lines.join('\r\n');

describe('emailToText', () => {
  it('drops the headers and keeps subject and body, joined by a blank line', async () => {
    const raw = crlf(['From: a@example.com', 'To: b@example.com', 'Subject: Lunch  tomorrow?', 'X-Spam: no', '', 'Shall we meet at noon?', '', '-- a']);
    expect(await emailToText(raw)).toEqual({ subject: 'Lunch tomorrow?', body: 'Shall we meet at noon?\n\n-- a', text: 'Lunch tomorrow?\n\nShall we meet at noon?\n\n-- a' });
  });

  it('gives the body alone without a subject, and the subject alone without a body', async () => {
    expect((await emailToText(crlf(['From: a@example.com', '', 'Hi there']))).text).toBe('Hi there');
    expect((await emailToText(crlf(['Subject: Only this', '', '']))).text).toBe('Only this');
  });

  it('decodes quoted-printable (soft line breaks, =XX bytes in the part charset) and encoded-word subjects', async () => {
    const raw = crlf([
      'Subject: =?iso-8859-1?Q?Caf=E9_au_lait?=',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'A long line that was wrapped =',
      'by the mailer, and a caf=E9.',
    ]);
    const e = await emailToText(raw);
    expect(e.subject).toBe('Café au lait');
    expect(e.body).toBe('A long line that was wrapped by the mailer, and a café.');
  });

  it('decodes base64 bodies and reads latin-1 bytes by their charset', async () => {
    const body = Buffer.from('Grüße aus Köln', 'latin1').toString('base64');
    const raw = Buffer.concat([Buffer.from(crlf(['Subject: b64', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: base64', '', body]))]);
    expect((await emailToText(new Uint8Array(raw))).body).toBe('Grüße aus Köln');
    expect((await emailToText(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))).body).toBe('Grüße aus Köln');
  });

  it('takes the text/plain part of multipart/alternative and leaves attachments out', async () => {
    const raw = crlf([
      'Subject: multi',
      'Content-Type: multipart/mixed; boundary="OUT"',
      '',
      '--OUT',
      'Content-Type: multipart/alternative; boundary="ALT"',
      '',
      '--ALT',
      'Content-Type: text/plain',
      '',
      'Plain version.',
      '--ALT',
      'Content-Type: text/html',
      '',
      '<p>HTML version.</p>',
      '--ALT--',
      '--OUT',
      'Content-Type: application/octet-stream',
      'Content-Disposition: attachment; filename="x.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      'AAECAwQ=',
      '--OUT--',
    ]);
    expect((await emailToText(raw)).body).toBe('Plain version.');
  });

  it('turns an HTML-only body into text, and a text/plain body that is really HTML too', async () => {
    const html = '<html><head><title>T</title><style>p{color:red}</style></head><body><!-- hidden --><p>Win <b>big</b>&nbsp;now!</p>\n<div>Click&amp;go</div><script>alert(1)</script></body></html>';
    const a = await emailToText(crlf(['Subject: h', 'Content-Type: text/html', '', html]));
    expect(a.body).toBe('Win big now!\n\nClick&go');
    const b = await emailToText(crlf(['Subject: h', 'Content-Type: text/plain', '', html]));
    expect(b.body).toBe('Win big now!\n\nClick&go');
    // Angle brackets of plain text (addresses, comparisons) are not tags and stay.
    const c = await emailToText(crlf(['Subject: p', '', 'Joe <joe@example.com> wrote: 1 < 2 and 3 > 2']));
    expect(c.body).toBe('Joe <joe@example.com> wrote: 1 < 2 and 3 > 2');
  });

  it('refuses anything but a string or bytes', async () => {
    await expectGlassboxError(() => emailToText(42 as unknown as string), 'INVALID_ARGUMENT', /raw must be the message/);
    await expectGlassboxError(() => emailToText([1, 2] as unknown as string), 'INVALID_ARGUMENT', /raw/);
  });
});

describe('htmlToText and tidyWhitespace', () => {
  it('maps blocks to line breaks, cells to spaces, inline tags to nothing, and decodes entities', () => {
    expect(tidyWhitespace(htmlToText('<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>'))).toBe('a b\n\nc');
    expect(htmlToText('un<b>believ</b>able &lt;3 &#36;5 &euro;')).toBe('unbelievable <3 $5 €');
    expect(tidyWhitespace(htmlToText('line one\nstill one<br>two<BR/>three'))).toBe('line one still one\ntwo\nthree');
    expect(htmlToText('a <!-- never closed')).toBe('a ');
    expect(htmlToText('1 < 2 <a')).toBe('1 < 2 <a');
    // A head that is never closed ends at <body>; an unclosed style loses only its tag.
    expect(tidyWhitespace(htmlToText('<html><head><title>T</title><body><p>Body text</p>'))).toBe('Body text');
    expect(tidyWhitespace(htmlToText('<style>p {} <p>Body</p>'))).toBe('p {}\nBody');
  });

  it('tidies white space', () => {
    expect(tidyWhitespace('  a\u00a0\t b \r\n\r\n\r\n\r\n  c  \rd ')).toBe('a b\n\nc\nd');
  });
});
