import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import SubwordText from '../src/components/SubwordText.svelte';
import type { SubwordRelevance } from '../src/lib/view-data';

/**
 * A transformer's text view: words on the original text (each the sum of its subwords), the
 * subwords behind a toggle, an unknown piece marked, special tokens and padding listed apart.
 * The tokens.json is written out by hand (WordPiece of "Unforgettable film, zq!").
 */
describe('SubwordText', () => {
  const text = 'Unforgettable film, zq!';
  const token = (t: string, position: number, start: number | null, end: number | null, score: number, word: number | null, extra: Partial<SubwordRelevance['tokens'][number]> = {}) => ({
    token: t, id: position + 10, position, start, end, special: false, unknown: false, continuesWord: t.startsWith('##'), word, score, ...extra,
  });
  const data: SubwordRelevance = {
    format: 'xai-subword-relevance', version: 1, file: 'input.txt', text, method: 'lrp', target: 1, tokenizer: 'tokenizer.json', scale: 2, scaleBy: 'text',
    words: [
      { text: 'Unforgettable', start: 0, end: 13, score: 1.5, colour: '#f00', tokens: [1, 2, 3] },
      { text: 'film', start: 14, end: 18, score: 0.25, colour: '#fcc', tokens: [4] },
      { text: ',', start: 18, end: 19, score: -0.5, colour: '#ccf', tokens: [5] },
      { text: 'zq', start: 20, end: 22, score: 0.125, colour: '#fee', tokens: [6] },
      { text: '!', start: 22, end: 23, score: 0, colour: '#fff', tokens: [7] },
    ],
    tokens: [
      token('[CLS]', 0, null, null, 0.75, null, { special: true }),
      token('unf', 1, 0, 3, 1, 0),
      token('##orgett', 2, 3, 9, 0.25, 0),
      token('##able', 3, 9, 13, 0.25, 0),
      token('film', 4, 14, 18, 0.25, 1),
      token(',', 5, 18, 19, -0.5, 2),
      token('[UNK]', 6, 20, 22, 0.125, 3, { unknown: true }),
      token('!', 7, 22, 23, 0, 4),
      token('[SEP]', 8, null, null, -0.0625, null, { special: true }),
    ],
    specialRelevance: 0.6875, paddingRelevance: 0, unplacedRelevance: 0, wordRelevance: 1.625, padded: 7, truncated: 0,
  };
  const spans = () => [...screen.getByTestId('highlighted-text').querySelectorAll('.token')];

  it('draws words as the sums of their subwords, shows the subwords on demand, lists special tokens apart', async () => {
    render(SubwordText, { data, targetName: 'positive' });
    expect(screen.getByTestId('highlighted-text').textContent!.trim()).toBe(text);
    expect(spans().map((s) => [s.textContent, Number(s.getAttribute('data-score'))])).toEqual([['Unforgettable', 1.5], ['film', 0.25], [',', -0.5], ['zq', 0.125], ['!', 0]]);
    expect(spans()[0]!.getAttribute('title')).toBe('Unforgettable: 1.50 (3 subwords: unf 1.00, ##orgett 0.250, ##able 0.250)');
    expect(spans()[3]!.getAttribute('data-mark')).toBe('oov');
    const apart = screen.getByTestId('special-tokens').textContent!.replace(/\s+/g, ' ');
    expect(apart).toContain('[CLS] 0.750, [SEP] -0.0625; padding (7 positions) 0.00.');
    expect(apart).toContain('Words hold 1.63 of the relevance.');

    await fireEvent.click(screen.getByTestId('show-subwords'));
    expect(screen.getByTestId('subword-view')).toBeTruthy();
    expect(screen.getByTestId('highlighted-text').textContent!.trim()).toBe(text);
    expect(spans().map((s) => [s.textContent, Number(s.getAttribute('data-score'))])).toEqual([
      ['Unf', 1], ['orgett', 0.25], ['able', 0.25], ['film', 0.25], [',', -0.5], ['zq', 0.125], ['!', 0],
    ]);
    expect(screen.getByTestId('highlighted-text').classList.contains('separated')).toBe(true);
    // no special token is drawn in the text
    expect(spans().some((s) => /\[(CLS|SEP)\]/.test(s.getAttribute('title') ?? ''))).toBe(false);
  });
});
