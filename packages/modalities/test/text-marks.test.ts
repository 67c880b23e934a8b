/**
 * Text modality: unknown (out-of-vocabulary), cut-off and skipped tokens are marked visibly in every
 * artefact — HTML (class, data-mark, style, a key), ANSI (underline / dim + strike-through, a key
 * line), tokens.json (mark, note; what the model reads and knows) — and in the PNG preview.
 */
import { decode } from 'fast-png';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import {
  ANSI_MARKS, encodeTokens, MARK_STYLES, markMeaning, markOf, marksKeyHtml, textAdapter, textFile, textHeatmapAnsi, textHeatmapHtml, textPreviewPng,
  TextRelevanceSchema, tokenizeTreebank, Vocabulary, type HighlightToken,
} from '../src/index.js';

const VOCABULARY = Vocabulary.fromWords(['the', 'film', 'was', 'good', ',', 'a', 'waste'], { lowercase: true, about: 'seven test words' });
const TEXT = 'The film was zorblax, a waste';
/** tokens: The film was zorblax , a waste → 7 tokens; the model reads 5 ('pre': the last 5). */
const encode = (oov: 'unk' | 'skip', length = 5) =>
  encodeTokens(tokenizeTreebank(TEXT, { lowercase: true }), VOCABULARY, { oov, length, padding: 'pre', truncating: 'pre', file: 't.txt' });

describe('token marks', () => {
  it('marks unknown words fed as <unk>, tokens cut off, and unknown words left out', () => {
    expect(encode('unk').tokens.map(markOf)).toEqual(['truncated', 'truncated', undefined, 'oov', undefined, undefined, undefined]);
    // skip: zorblax is left out, so one token fewer is cut off
    expect(encode('skip').tokens.map(markOf)).toEqual(['truncated', undefined, undefined, 'skipped', undefined, undefined, undefined]);
    expect(markMeaning('truncated', 20, 'pre')).toBe('cut off: the model reads only the last 20 tokens');
    expect(markMeaning('truncated', 20, 'post')).toBe('cut off: the model reads only the first 20 tokens');
    expect(markMeaning('oov')).toMatch(/unknown word.*<unk>/);
  });

  const highlight = (): HighlightToken[] => {
    const e = encode('unk');
    return e.tokens.map((t, i) => {
      const mark = markOf(t);
      return { start: t.start, end: t.end, score: t.position === null ? null : i / 10, ...(mark ? { mark, note: markMeaning(mark, 5, 'pre') } : {}) };
    });
  };

  it('draws them in HTML: unknown words dashed red over their colour, cut-off ones grey and struck through, with a key', () => {
    const { html } = textHeatmapHtml(TEXT, highlight());
    expect(html).toContain(`<span class="xai-token xai-unscored xai-truncated" data-mark="truncated" style="${MARK_STYLES.truncated}" title="The: cut off: the model reads only the last 5 tokens">The</span>`);
    expect(html).toMatch(/<span class="xai-token xai-oov" data-mark="oov" style="background-color:#[0-9a-f]{6};color:#[0-9a-f]{6};outline:2px dashed #c00;outline-offset:-1px" title="zorblax: R = \+0\.3 \(unknown word: not in the vocabulary, fed as &lt;unk&gt;\)" data-score="0.3">zorblax<\/span>/);
    expect(html).not.toMatch(/data-mark="[a-z]+"[^>]*>(was|a|waste)</);
    const key = marksKeyHtml(highlight(), 5, 'pre');
    expect(key).toContain('unknown word: not in the vocabulary, fed as &lt;unk&gt; (1)');
    expect(key).toContain('cut off: the model reads only the last 5 tokens (2)');
    expect(marksKeyHtml([{ start: 0, end: 3, score: 1 }])).toBe('');
  });

  it('draws them in ANSI: unknown words underlined on their colour, cut-off ones dim and struck through, one key line per mark', () => {
    const { ansi } = textHeatmapAnsi(TEXT, highlight(), { length: 5, truncating: 'pre' });
    expect(ansi.startsWith(`${ANSI_MARKS.truncated}The\x1b[0m ${ANSI_MARKS.truncated}film\x1b[0m `)).toBe(true);
    expect(ansi).toMatch(/\x1b\[48;2;\d+;\d+;\d+m\x1b\[38;2;\d+;\d+;\d+m\x1b\[4mzorblax\x1b\[0m/);
    const lines = ansi.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    expect(lines[0]).toBe(TEXT);
    expect(lines.slice(2)).toEqual(['underlined: unknown word: not in the vocabulary, fed as <unk> (1)', 'struck through: cut off: the model reads only the last 5 tokens (2)', '']);
  });

  it("writes them into tokens.json with what the model reads and knows, and the adapter's HTML shows the key", async () => {
    const decoded = await textAdapter.decode([textFile(TEXT, 'marks.txt')], { vocabulary: VOCABULARY.toJson(), maxLength: 5 });
    const relevance = { relevances: [{ values: Float32Array.from([0.1, -0.2, 0.3, 0.4, 0.5]), shape: [5] }], method: 'lrp', target: 1 };
    const [html, ansi, tokensJson] = (await textAdapter.artefacts(decoded, relevance)).map((a) => new TextDecoder().decode(a.bytes));
    const json = JSON.parse(tokensJson!);
    expect([...Value.Errors(TextRelevanceSchema, json)]).toEqual([]);
    expect(json).toMatchObject({ length: 5, truncating: 'pre', truncated: 2, oovWords: ['zorblax'], vocabularyWords: 7, vocabularyAbout: 'seven test words' });
    expect(json.tokens.map((t: { mark?: string }) => t.mark ?? null)).toEqual(['truncated', 'truncated', null, 'oov', null, null, null]);
    expect(json.tokens[0]).toMatchObject({ token: 'The', score: null, note: 'cut off: the model reads only the last 5 tokens' });
    expect(json.tokens[3]).toMatchObject({ token: 'zorblax', position: 1, oov: true, note: 'unknown word: not in the vocabulary, fed as <unk>' });
    expect(json.tokens[3].score).toBeCloseTo(-0.2, 6);
    expect(html).toContain('class="xai-marks"');
    expect(html).toContain('2 tokens cut off (the model reads only the last 5)');
    expect(html).toContain('the vocabulary holds 7 words (seven test words)');
    expect(ansi).toContain('struck through');
  });
});

describe('text preview (PNG)', () => {
  const colours = (png: Uint8Array) => {
    const image = decode(png);
    const seen = new Set<string>();
    const channels = image.channels;
    for (let i = 0; i < image.data.length; i += channels) seen.add(`${image.data[i]},${image.data[i + 1]},${image.data[i + 2]}`);
    return { image, seen };
  };

  it('is a PNG of token boxes: red dashes for an unknown word, grey for tokens cut off', async () => {
    const marked = colours(textPreviewPng(encode('unk'), 'pre'));
    expect(marked.image.width).toBe(480);
    expect(marked.seen.has('204,0,0')).toBe(true); // the unknown word's box and letters
    expect(marked.seen.has('160,160,160')).toBe(true); // cut-off tokens
    const plain = colours(textPreviewPng(encodeTokens(tokenizeTreebank('the film was good', { lowercase: true }), VOCABULARY, { oov: 'unk', length: 5, padding: 'pre', truncating: 'pre', file: 'p.txt' }), 'pre'));
    expect(plain.seen.has('204,0,0')).toBe(false);
    expect(plain.seen.has('160,160,160')).toBe(false);
  });

  it("is the adapter's preview, for long texts too (the boxes stop after nine lines)", async () => {
    const decoded = await textAdapter.decode([textFile('the film '.repeat(200), 'long.txt')], { vocabulary: VOCABULARY.toJson(), maxLength: 20 });
    const preview = await textAdapter.preview(decoded);
    expect(preview).toMatchObject({ name: 'input.png', mediaType: 'image/png' });
    const { height, width } = decode(preview.bytes);
    expect(width).toBe(480);
    expect(height).toBeLessThanOrEqual(8 * 2 + 16 + 10 * 26);
  });
});
