import { GlassboxError, describe } from '@glassbox/tensors-ops';
import { decodeHTML } from 'entities/decode';

/** The readable parts of an e-mail. */
export interface EmailText {
  /** The Subject header, decoded, white space collapsed ('' when there is none). */
  subject: string;
  /** The body as plain text (see `emailToText`). */
  body: string;
  /** subject and body joined by a blank line (either alone when the other is empty). */
  text: string;
}

// A tag: '<' then a letter, '/', '!' or '?', up to the next '>' (never across another '<', so a stray '<'
// costs a short scan, not one to the end of the text).
const BLOCK_TAG = /<\/?(?:p|div|br|hr|tr|table|thead|tbody|tfoot|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|center|form|title|address|section|article|header|footer)\b[^<>]*>/gi;
const CELL_TAG = /<\/?(?:td|th)\b[^<>]*>/gi;
const ANY_TAG = /<[a-z/!?][^<>]*>/gi;
// A <script> or <style> block ends at its closing tag, a <head> at its closing tag or at <body> (as browsers
// close it); an unclosed block is not dropped (only its tags are), so a missing closing tag never eats the body.
const DROPPED_BLOCKS = /<(script|style)\b[^<>]*>[\s\S]*?<\/\1\s*>|<head\b[^<>]*>[\s\S]*?(?:<\/head\s*>|(?=<body\b))/gi;
const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
// A text/plain part that is really HTML (common in spam): an <html> or <body> tag, or a closing tag of the
// usual formatting elements.
const LOOKS_LIKE_HTML = /<(?:html|body)\b|<\/(?:p|div|font|table|td|tr|a|b|center|span)>/i;

/**
 * HTML to plain text, simply: comments and <script>, <style> and <head> blocks are dropped (a head ends at
 * </head> or <body>; a block without its end is kept); white space
 * (line breaks of the source included) becomes single spaces, as a browser shows it; block tags (p, div, br,
 * tr, li, h1-h6, ...) become line breaks and table cells spaces; every other tag is removed
 * (inline tags such as <b> or <font> do not separate words); then entities are decoded (`entities`
 * package). Link targets and image sources are dropped: only text a reader sees is kept.
 */
export function htmlToText(html: string): string {
  return decodeHTML(
    html
      .replace(COMMENT, ' ')
      .replace(DROPPED_BLOCKS, ' ')
      .replace(/\s+/g, ' ')
      .replace(BLOCK_TAG, '\n')
      .replace(CELL_TAG, ' ')
      .replace(ANY_TAG, ''),
  );
}

/**
 * Tidies white space: CR LF and CR become LF; no-break spaces, tabs and other blanks become one space;
 * each line is trimmed; more than one empty line in a row becomes one; the ends are trimmed.
 */
export function tidyWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

type PostalMimeParse = (raw: string | ArrayBuffer | Uint8Array) => Promise<{ subject?: string; text?: string; html?: string }>;
let parser: Promise<PostalMimeParse> | null = null;

function loadParser(): Promise<PostalMimeParse> {
  parser ??= import('postal-mime').then((m) => (raw) => m.default.parse(raw));
  return parser;
}

/**
 * The subject and body of a raw e-mail (RFC 822 / MIME), headers dropped.
 *
 * The message is parsed by `postal-mime`, which decodes the transfer encodings (quoted-printable, base64),
 * the character sets of the parts and RFC 2047 encoded words in the subject, and walks multipart messages:
 * the body is the message's inline text/plain parts (joined), attachments are left out. When there is no
 * text/plain part, or the text/plain part is really HTML, the HTML is turned into text by `htmlToText`.
 * Finally white space is tidied (`tidyWhitespace`). Nothing else is changed: case, punctuation, URLs in the
 * text and quoted replies are kept.
 *
 * @param raw The message: its bytes (preferred: the character sets are decoded per part) or a string.
 * @returns `{ subject, body, text }`, text = subject + '\n\n' + body (either alone when the other is empty).
 * @throws GlassboxError INVALID_ARGUMENT when raw is not a string, Uint8Array or ArrayBuffer.
 *
 * @example
 * ```ts
 * const { text } = await emailToText('Subject: Hello\r\n\r\nSee you =\r\nat noon.');
 * // 'Hello\n\nSee you =\nat noon.' (no Content-Transfer-Encoding header, so nothing is decoded)
 * ```
 */
export async function emailToText(raw: string | Uint8Array | ArrayBuffer): Promise<EmailText> {
  const where = 'emailToText';
  if (typeof raw !== 'string' && !(raw instanceof Uint8Array) && !(raw instanceof ArrayBuffer)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: raw must be the message as a string, Uint8Array or ArrayBuffer, got ${describe(raw)}`);
  }
  const parse = await loadParser();
  const email = await parse(raw);
  let body: string;
  if (email.text !== undefined && !LOOKS_LIKE_HTML.test(email.text)) body = email.text;
  else body = htmlToText(email.text ?? email.html ?? '');
  body = tidyWhitespace(body);
  const subject = tidyWhitespace(email.subject ?? '').replace(/\n/g, ' ');
  const text = subject === '' ? body : body === '' ? subject : `${subject}\n\n${body}`;
  return { subject, body, text };
}
