import { formatScore, hexColour, scoreColour, textColourOn } from './bwr-colour.js';
import { orderedTokens, tokenScales, type HighlightToken, type ScaleBy } from './highlight-token.js';

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
 * The original text as HTML with each token's background in the bwr colour of its relevance
 * (symmetric scale per text or sentence, red for the explained class, blue against, see bwr-colour.ts). Text
 * between tokens (spaces, line breaks) is kept; everything is escaped; the score shows on hover
 * (`title`) and is in `data-score`.
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
    if (t.score === null) {
      const title = `${word}: ${t.note ?? 'not in the model input'}`;
      html += `<span class="xai-token xai-unscored" style="text-decoration:underline dotted" title="${escapeHtml(title)}">${escapeHtml(word)}</span>`;
    } else {
      const bg = scoreColour(t.score, scales[i]!);
      const title = `${word}: R = ${formatScore(t.score)}${t.note ? ` (${t.note})` : ''}`;
      html +=
        `<span class="xai-token" style="background-color:${hexColour(bg)};color:${hexColour(textColourOn(bg))}" ` +
        `title="${escapeHtml(title)}" data-score="${t.score}">${escapeHtml(word)}</span>`;
    }
    cursor = t.end;
  }
  html += escapeHtml(text.slice(cursor));
  return { html: `<div class="xai-text" style="white-space:pre-wrap;line-height:1.9">${html}</div>`, scale };
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
