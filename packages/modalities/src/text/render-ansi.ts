import { formatScore, scoreColour, textColourOn, type Rgb } from './bwr-colour.js';
import { markMeaning, orderedTokens, tokenScales, type HighlightToken, type ScaleBy, type TokenMark } from './highlight-token.js';

export type AnsiColours = 'truecolor' | '256';

export interface TextAnsiOptions {
  /** Colour scale for all tokens; default max |R| per `scaleBy`. */
  readonly scale?: number;
  /** 'text' (default) or 'sentence', as in the HTML. */
  readonly scaleBy?: ScaleBy;
  /** 24-bit colours (default) or the xterm 256-colour cube for terminals without them. */
  readonly colours?: AnsiColours;
  /** The model's sequence length and which end truncation cuts, for the key to the marks. */
  readonly length?: number;
  readonly truncating?: 'pre' | 'post';
}

const RESET = '\x1b[0m';

/**
 * Control characters of the text (ESC above all: the text could otherwise drive the terminal) shown
 * as their Unicode control pictures (␛, ␇ …); tabs and line breaks stay.
 */
export const sanitizeForTerminal = (s: string): string =>
  s.replace(/[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f\x80-\x9f]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '\u2421' : '\ufffd';
  });

/** Nearest colour of the xterm 6×6×6 cube (indices 16–231). */
export function xterm256([r, g, b]: Rgb): number {
  const level = (v: number) => Math.round((v / 255) * 5);
  return 16 + 36 * level(r) + 6 * level(g) + level(b);
}

function sgr(bg: Rgb, colours: AnsiColours): string {
  const fg = textColourOn(bg);
  return colours === '256'
    ? `\x1b[48;5;${xterm256(bg)}m\x1b[38;5;${xterm256(fg)}m`
    : `\x1b[48;2;${bg[0]};${bg[1]};${bg[2]}m\x1b[38;2;${fg[0]};${fg[1]};${fg[2]}m`;
}

/** SGR codes of the marks: unknown words underlined, cut-off and skipped tokens dim and struck through. */
export const ANSI_MARKS: Readonly<Record<TokenMark, string>> = { oov: '\x1b[4m', truncated: '\x1b[2;9m', skipped: '\x1b[2;9;4m' };
const MARK_NAMES: Readonly<Record<TokenMark, string>> = { oov: 'underlined', truncated: 'struck through', skipped: 'struck through and underlined' };

/**
 * The original text for a terminal: each token on the bwr background of its relevance (same
 * symmetric scale as the HTML), unknown words underlined, tokens the model did not see dim and
 * struck through (ANSI_MARKS), then one legend line and one line per mark that occurs.
 */
export function textHeatmapAnsi(text: string, tokens: readonly HighlightToken[], options: TextAnsiOptions = {}): { ansi: string; scale: number } {
  const ordered = orderedTokens(text, tokens);
  const scales = tokenScales(text, ordered, options.scaleBy, options.scale);
  const scale = scales.reduce((m, v) => Math.max(m, v), 0);
  const colours = options.colours ?? 'truecolor';
  let out = '';
  let cursor = 0;
  for (const [i, t] of ordered.entries()) {
    out += sanitizeForTerminal(text.slice(cursor, t.start));
    const word = sanitizeForTerminal(text.slice(t.start, t.end));
    const mark = t.mark ? ANSI_MARKS[t.mark] : t.score === null ? '\x1b[4m' : '';
    out += t.score === null ? `${mark}${word}${RESET}` : `${sgr(scoreColour(t.score, scales[i]!), colours)}${mark}${word}${RESET}`;
    cursor = t.end;
  }
  out += sanitizeForTerminal(text.slice(cursor));
  const legend = `${sgr(scoreColour(-1, 1), colours)} ${formatScore(-scale)} ${RESET}${sgr(scoreColour(0, 1), colours)} 0 ${RESET}${sgr(scoreColour(1, 1), colours)} ${formatScore(scale)} ${RESET}`;
  const marks = (['oov', 'skipped', 'truncated'] as const)
    .filter((m) => ordered.some((t) => t.mark === m))
    .map((m) => `${ANSI_MARKS[m]}${MARK_NAMES[m]}${RESET}: ${markMeaning(m, options.length, options.truncating)} (${ordered.filter((t) => t.mark === m).length})\n`);
  return { ansi: `${out}${out.endsWith('\n') ? '' : '\n'}${legend}\n${marks.join('')}`, scale };
}
