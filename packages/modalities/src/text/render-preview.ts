import { Canvas, type Colour } from '@xai/core';
import type { EncodedText } from './encode-tokens.js';
import { markOf } from './encode-tokens.js';
import type { TokenMark } from './highlight-token.js';

const WIDTH = 480;
const MARGIN = 8;
const SCALE = 2; // LABEL_FONT at 2×: 12 px per character, 16 px high
const CHAR = 12;
const LINE = 26;
const MAX_LINES = 9;
const GREY: Colour = [136, 136, 136];
const RED: Colour = [204, 0, 0];
const INK: Colour = [20, 20, 20];
const FAINT: Colour = [160, 160, 160];

/**
 * A picture of the tokens the model reads, for galleries and upload previews (a PNG: previews are
 * shown as images): one box per token in text order, wrapped; unknown words in a dashed red box,
 * tokens the model does not read (cut off, or unknown and skipped) grey and struck through; a first
 * line counting them. Characters outside the pixel font's ASCII are drawn as its fallback glyph.
 */
export function textPreviewPng(encoded: EncodedText, truncating: 'pre' | 'post'): Uint8Array {
  const length = encoded.ids.length;
  const unknown = encoded.tokens.filter((t) => t.oov).length;
  const header =
    `${encoded.tokens.length} tokens, model reads ${length}` +
    (encoded.truncated ? `, ${truncating === 'pre' ? 'first' : 'last'} ${encoded.truncated} cut off` : '') +
    (unknown ? `, ${unknown} unknown` : '');
  return tokenBoxesPng(encoded.tokens.map((t) => ({ text: t.text, mark: markOf(t) })), header);
}

/** Token boxes (any tokenisation: words, subwords) under a header line, as a PNG 480 px wide; see textPreviewPng. */
export function tokenBoxesPng(tokens: readonly { readonly text: string; readonly mark?: TokenMark | undefined }[], header: string): Uint8Array {
  // lay the boxes out first to know the height
  const boxes: { x: number; line: number; w: number; text: string; mark: TokenMark | undefined }[] = [];
  let x = MARGIN;
  let line = 0;
  for (const t of tokens) {
    const text = [...t.text].length > 36 ? `${[...t.text].slice(0, 33).join('')}...` : t.text;
    const w = [...text].length * CHAR + 6;
    if (x + w > WIDTH - MARGIN && x > MARGIN) {
      line++;
      x = MARGIN;
    }
    if (line >= MAX_LINES) break;
    boxes.push({ x, line, w, text, mark: t.mark });
    x += w + 5;
  }
  const more = boxes.length < tokens.length;
  const lines = (boxes.at(-1)?.line ?? 0) + 1 + (more ? 1 : 0);
  const canvas = new Canvas(WIDTH, MARGIN * 2 + 16 + lines * LINE);
  canvas.text(MARGIN, MARGIN, header, GREY, 1);
  const top = MARGIN + 16;
  for (const b of boxes) {
    const y = top + b.line * LINE;
    const h = LINE - 4;
    const dashed = b.mark === 'oov' || b.mark === 'skipped';
    const faint = b.mark === 'truncated' || b.mark === 'skipped';
    const frame = dashed ? RED : faint ? FAINT : GREY;
    const style = dashed ? { dash: [4, 3] as const, width: 2 } : {};
    canvas.line(b.x, y, b.x + b.w - 1, y, frame, style);
    canvas.line(b.x, y + h - 1, b.x + b.w - 1, y + h - 1, frame, style);
    canvas.line(b.x, y, b.x, y + h - 1, frame, style);
    canvas.line(b.x + b.w - 1, y, b.x + b.w - 1, y + h - 1, frame, style);
    canvas.text(b.x + 3, y + 3, b.text, faint ? FAINT : b.mark === 'oov' ? RED : INK, SCALE);
    if (faint) canvas.line(b.x + 2, y + h / 2 - 1, b.x + b.w - 3, y + h / 2 - 1, GREY, { width: 2 });
  }
  if (more) canvas.text(MARGIN, top + (lines - 1) * LINE + 3, `... ${tokens.length - boxes.length} more tokens`, GREY, SCALE);
  return canvas.png();
}
