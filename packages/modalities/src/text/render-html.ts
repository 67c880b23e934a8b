import { formatScore, hexColour, scoreColour, textColourOn } from './bwr-colour.js';
import { markMeaning, orderedTokens, tokenScales, type HighlightToken, type ScaleBy, type TokenMark } from './highlight-token.js';

export interface TextHtmlOptions {
  /** Colour scale (|R| shown at full colour) for all tokens; default max |R| per `scaleBy`. */
  readonly scale?: number;
  /** 'text' (default): one scale for the explained text; 'sentence': one per sentence of it. */
  readonly scaleBy?: ScaleBy;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * Inline styles of the marks, drawn over (or instead of) the relevance colour so that they show on
 * any background: unknown words outlined in dashed red, cut-off and skipped tokens grey and struck
 * through (skipped ones outlined too).
 */
export const MARK_STYLES: Readonly<Record<TokenMark, string>> = {
  oov: 'outline:2px dashed #c00;outline-offset:-1px',
  truncated: 'color:#888;text-decoration:line-through',
  skipped: 'color:#888;text-decoration:line-through;outline:2px dashed #c00;outline-offset:-1px',
};

/**
 * The original text as HTML with each token's background in the bwr colour of its relevance
 * (symmetric scale per text or sentence, red for the explained class, blue against, see bwr-colour.ts). Text
 * between tokens (spaces, line breaks) is kept; everything is escaped; the score shows on hover
 * (`title`) and is in `data-score`. Marked tokens (unknown, cut off, skipped) carry the class
 * `xai-<mark>`, `data-mark` and a visible style (MARK_STYLES).
 */
export function textHeatmapHtml(text: string, tokens: readonly HighlightToken[], options: TextHtmlOptions = {}): { html: string; scale: number } {
  const ordered = orderedTokens(text, tokens);
  const scales = tokenScales(text, ordered, options.scaleBy, options.scale);
  const scale = scales.reduce((m, v) => Math.max(m, v), 0);
  let html = '';
  let cursor = 0;
  for (const [i, t] of ordered.entries()) {
    html += escapeHtml(text.slice(cursor, t.start));
    const word = text.slice(t.start, t.end);
    const mark = t.mark ? ` xai-${t.mark}" data-mark="${t.mark}` : '';
    const markStyle = t.mark ? `;${MARK_STYLES[t.mark]}` : '';
    if (t.score === null) {
      const title = `${word}: ${t.note ?? 'not in the model input'}`;
      const style = t.mark ? MARK_STYLES[t.mark] : 'text-decoration:underline dotted';
      html += `<span class="xai-token xai-unscored${mark}" style="${style}" title="${escapeHtml(title)}">${escapeHtml(word)}</span>`;
    } else {
      const bg = scoreColour(t.score, scales[i]!);
      const title = `${word}: R = ${formatScore(t.score)}${t.note ? ` (${t.note})` : ''}`;
      html +=
        `<span class="xai-token${mark}" style="background-color:${hexColour(bg)};color:${hexColour(textColourOn(bg))}${markStyle}" ` +
        `title="${escapeHtml(title)}" data-score="${t.score}">${escapeHtml(word)}</span>`;
    }
    cursor = t.end;
  }
  html += escapeHtml(text.slice(cursor));
  return { html: `<div class="xai-text" style="white-space:pre-wrap;line-height:1.9">${html}</div>`, scale };
}

/**
 * A key to the marks that occur among `tokens` (empty when none does): each mark drawn on a sample
 * word with its meaning; `length` and `side` say how many tokens the model reads and from which end.
 */
export function marksKeyHtml(tokens: readonly HighlightToken[], length?: number, side: 'pre' | 'post' = 'pre'): string {
  const marks = (['oov', 'skipped', 'truncated'] as const).filter((m) => tokens.some((t) => t.mark === m));
  if (marks.length === 0) return '';
  const items = marks.map((m) => {
    const count = tokens.filter((t) => t.mark === m).length;
    return `<span><span class="xai-token xai-${m}" style="${MARK_STYLES[m]}">word</span> ${escapeHtml(markMeaning(m, length, side))} (${count})</span>`;
  });
  return `<p class="xai-marks" style="display:flex;flex-wrap:wrap;gap:1.5em;font-size:0.85em">${items.join('')}</p>`;
}

/** A colour bar from −scale (blue) through 0 (white) to +scale (red), as HTML. */
export function legendHtml(scale: number, forLabel: string): string {
  const stops = [-1, -0.5, 0, 0.5, 1].map((v) => hexColour(scoreColour(v, 1))).join(', ');
  return (
    `<div class="xai-legend" style="display:flex;align-items:center;gap:0.5em;font-size:0.85em">` +
    `<span>${escapeHtml(formatScore(-scale))}</span>` +
    `<span style="display:inline-block;width:12em;height:0.9em;background:linear-gradient(to right, ${stops})"></span>` +
    `<span>${escapeHtml(formatScore(scale))}</span>` +
    `<span>red: evidence for ${escapeHtml(forLabel)}, blue: against</span></div>`
  );
}

/** A small standalone HTML page around `body`. */
export function htmlPage(title: string, body: string): string {
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<style>body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}` +
    `.xai-token{border-radius:0.2em;padding:0.1em 0}</style></head>\n<body>\n${body}\n</body></html>\n`
  );
}
