/** Text modality: bwr colouring, HTML / ANSI / JSON renderings of per-token relevance. */
import { describe, expect, it } from 'vitest';
import {
  bwr, encodeTokens, escapeHtml, formatScore, hexColour, rescaleByAbs, sanitizeForTerminal, scoreColour, symmetricScale, textHeatmapAnsi, textHeatmapHtml,
  sentenceOf, textRelevanceJson, tokenizeTreebank, tokenRelevance, tokenScales, Vocabulary, xterm256, type HighlightToken,
} from '../src/index.js';

describe('bwr colouring (Arras et al.)', () => {
  it('maps 0.5 + 0.5·R/max|R| to blue → white → red', () => {
    expect(bwr(0)).toEqual([0, 0, 255]);
    expect(bwr(0.5)).toEqual([255, 255, 255]);
    expect(bwr(1)).toEqual([255, 0, 0]);
    expect(bwr(0.75)).toEqual([255, 128, 128]);
    expect(bwr(0.25)).toEqual([128, 128, 255]);
    expect(rescaleByAbs(2, 4)).toBe(0.75);
    expect(rescaleByAbs(-4, 4)).toBe(0);
    expect(rescaleByAbs(9, 4)).toBe(1); // beyond a given scale: clipped
    expect(rescaleByAbs(1, 0)).toBe(0.5);
  });

  it('scales symmetrically by the largest magnitude of either sign', () => {
    expect(symmetricScale([0.5, -2, null, 1])).toBe(2);
    // Only positive scores: the largest is full red, zero stays white (not min→blue as a min–max scale would).
    const scale = symmetricScale([0, 1, 3]);
    expect(hexColour(scoreColour(3, scale))).toBe('#ff0000');
    expect(hexColour(scoreColour(0, scale))).toBe('#ffffff');
    expect(hexColour(scoreColour(-3, scale))).toBe('#0000ff');
  });

  it('formats scores with their sign', () => {
    expect(formatScore(0.123456)).toBe('+0.1235');
    expect(formatScore(-2)).toBe('-2');
    expect(formatScore(0)).toBe('0');
    expect(formatScore(1.5e-6)).toBe('+1.500e-6');
  });
});

const TEXT = 'A <b>"great"</b> & bad film.';
const tokens = () => tokenizeTreebank(TEXT);
/** Scores: +2 for 'great', −1 for 'bad', 0.5 for others, 'film' unscored. */
const highlight = (): HighlightToken[] =>
  tokens().map((t) => ({ start: t.start, end: t.end, score: t.text === 'great' ? 2 : t.text === 'bad' ? -1 : t.text === 'film' ? null : 0.5, note: t.text === 'film' ? 'truncated' : undefined }));

describe('HTML', () => {
  it('keeps the original text, escapes it, colours tokens by sign on a symmetric scale and shows scores on hover', () => {
    const { html, scale } = textHeatmapHtml(TEXT, highlight());
    expect(scale).toBe(2);
    expect(html).not.toContain('<b>');
    // Stripping the markup gives back the escaped original text.
    expect(html.replace(/<[^>]+>/g, '')).toBe(escapeHtml(TEXT));
    expect(html).toContain(`style="background-color:#ff0000;color:#000000" title="great: R = +2" data-score="2">great</span>`);
    expect(html).toContain(`style="background-color:#8080ff;color:#000000" title="bad: R = -1" data-score="-1">bad</span>`);
    expect(html).toContain(`title="film: truncated">film</span>`);
    expect(html).toContain('title="&quot;: R = +0.5"'); // a quote token in an attribute is escaped
    expect(html).toContain('&amp;');
  });

  it('uses a given scale instead of the text’s own, and white for all-zero relevance', () => {
    const { html } = textHeatmapHtml(TEXT, highlight(), { scale: 4 });
    expect(html).toContain('background-color:#ff8080;color:#000000" title="great');
    const zero = textHeatmapHtml('a b', [{ start: 0, end: 1, score: 0 }, { start: 2, end: 3, score: 0 }]);
    expect(zero.scale).toBe(0);
    expect(zero.html.match(/#ffffff/g)).toHaveLength(2);
  });

  it("scales per sentence when asked: each sentence's largest |R| reaches full colour", () => {
    const text = 'Good film. It was fine!\n\nbad end';
    const tokens = tokenizeTreebank(text);
    expect(tokens.map((t) => t.text)).toEqual(['Good', 'film.', 'It', 'was', 'fine', '!', 'bad', 'end']);
    expect(sentenceOf(text, tokens)).toEqual([0, 0, 1, 1, 1, 1, 2, 2]);
    const scored = tokens.map((t) => ({ ...t, score: ({ Good: 4, fine: 1, bad: -0.5 } as Record<string, number>)[t.text] ?? 0 }));
    expect(tokenScales(text, scored, 'sentence')).toEqual([4, 4, 1, 1, 1, 1, 0.5, 0.5]);
    expect(tokenScales(text, scored, 'text')).toEqual(Array(8).fill(4));
    expect(tokenScales(text, scored, 'sentence', 2)).toEqual(Array(8).fill(2));
    const perSentence = textHeatmapHtml(text, scored, { scaleBy: 'sentence' }).html;
    expect(perSentence).toContain('background-color:#ff0000;color:#000000" title="fine');
    expect(perSentence).toContain('background-color:#0000ff;color:#ffffff" title="bad');
    const perText = textHeatmapHtml(text, scored).html;
    expect(perText).toContain('background-color:#ffbfbf;color:#000000" title="fine');
    // 'it.' followed by an upper-case word ends a sentence too (Treebank leaves the inner period on the word).
    const inner = 'I saw it. They left';
    expect(sentenceOf(inner, tokenizeTreebank(inner))).toEqual([0, 0, 0, 1, 1]);
  });

  it('refuses overlapping tokens', () => {
    expect(() => textHeatmapHtml('abc', [{ start: 0, end: 2, score: 1 }, { start: 1, end: 3, score: 1 }])).toThrow(RangeError);
  });
});

describe('ANSI', () => {
  it('colours backgrounds red for positive and blue for negative relevance (24-bit and 256 colours), text intact', () => {
    const { ansi } = textHeatmapAnsi(TEXT, highlight());
    expect(ansi).toContain('\x1b[48;2;255;0;0m\x1b[38;2;0;0;0mgreat\x1b[0m');
    expect(ansi).toContain('\x1b[48;2;128;128;255m\x1b[38;2;0;0;0mbad\x1b[0m');
    expect(ansi).toContain('\x1b[4mfilm\x1b[0m'); // unscored: underlined
    const plain = ansi.replace(/\x1b\[[0-9;]*m/g, '');
    expect(plain.split('\n')[0]).toBe(TEXT);
    const c256 = textHeatmapAnsi(TEXT, highlight(), { colours: '256' }).ansi;
    expect(c256).toContain(`\x1b[48;5;${xterm256([255, 0, 0])}m`);
    expect(xterm256([255, 0, 0])).toBe(196);
    expect(xterm256([0, 0, 255])).toBe(21);
    expect(xterm256([255, 255, 255])).toBe(231);
  });

  it('neutralises control characters of the text (no terminal injection)', () => {
    expect(sanitizeForTerminal('a\x1b[2Jb\tc\n')).toBe('a\u241b[2Jb\tc\n');
    const { ansi } = textHeatmapAnsi('evil\x1b]0;x\x07 word', [{ start: 0, end: 4, score: 1 }, { start: 11, end: 15, score: -1 }]);
    expect(ansi).not.toMatch(/\x1b\]/);
    expect(ansi).not.toContain('\x07');
  });
});

describe('JSON', () => {
  it('lists each token with offsets (UTF-16 and code points), id, score and colour; sums token and padding relevance', () => {
    const text = 'Great 😀 film!';
    const vocabulary = Vocabulary.fromWords(['great', 'film', '!'], { lowercase: true });
    const encoded = encodeTokens(tokenizeTreebank(text, { lowercase: true }), vocabulary, { oov: 'skip', length: 5, padding: 'pre', truncating: 'pre', file: 'r.txt' });
    expect(Array.from(encoded.ids)).toEqual([0, 0, 2, 3, 4]);
    // Relevance at the embedding output [T, D]: summed over D.
    const values = new Float32Array([0.25, 0.25, 0, 0, 1, 2, -0.5, 0, 0.5, 0.5]);
    const relevance = tokenRelevance(encoded, values, [5, 2]);
    expect(Array.from(relevance.positions)).toEqual([0.5, 0, 3, -0.5, 1]);
    expect(relevance.scores).toEqual([3, null, -0.5, 1]);
    const json = textRelevanceJson('r.txt', text, encoded, relevance, { method: 'lrp', target: 1, targetName: 'positive', scale: 3 });
    expect(json).toMatchObject({ format: 'xai-text-relevance', file: 'r.txt', target: 1, targetName: 'positive', scale: 3, scaleBy: 'text', tokenRelevance: 3.5, paddingRelevance: 0.5 });
    expect(json.tokens[0]).toEqual({ token: 'Great', form: 'great', start: 0, end: 5, codePoints: [0, 5], id: 2, oov: false, position: 2, score: 3, colour: '#ff0000' });
    expect(json.tokens[1]).toMatchObject({ token: '😀', start: 6, end: 8, codePoints: [6, 7], id: null, oov: true, dropped: 'oov', score: null, colour: null });
    expect(json.tokens[2]).toMatchObject({ token: 'film', start: 9, codePoints: [8, 12], score: -0.5 });
    expect(() => tokenRelevance(encoded, new Float32Array(4), [4])).toThrow(/shape \[4\] does not fit the 5 token positions/);
  });
});
