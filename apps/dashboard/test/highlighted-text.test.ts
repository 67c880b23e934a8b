import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import HighlightedText from '../src/components/HighlightedText.svelte';

/** The text view's highlighting: every token shown, those the model did not read (score null) marked, not a crash. */
describe('HighlightedText', () => {
  const text = 'What a zorblax film, truly great';
  const tokens = [
    { start: 0, end: 4, score: null, mark: 'truncated' as const, note: 'cut off: the model reads only the last 4 tokens' },
    { start: 5, end: 6, score: null, mark: 'truncated' as const, note: 'cut off: the model reads only the last 4 tokens' },
    { start: 7, end: 14, score: 0.01, mark: 'oov' as const, note: 'unknown word' },
    { start: 15, end: 19, score: -0.5 },
    { start: 19, end: 20, score: 0.1 },
    { start: 21, end: 26, score: 0.2 },
    { start: 27, end: 32, score: 2 },
  ];

  it('shows every token, marks the unread and unknown ones, and keys the marks', async () => {
    render(HighlightedText, { text, tokens, scale: 2, targetName: 'positive', markNotes: { truncated: 'cut off: the model reads only the last 4 tokens' } });
    const shown = screen.getByTestId('highlighted-text');
    expect(shown.textContent!.trim()).toBe(text);
    const spans = [...shown.querySelectorAll('.token')];
    expect(spans.map((s) => s.getAttribute('data-mark'))).toEqual(['truncated', 'truncated', 'oov', null, null, null, null]);
    expect(spans[0]!.hasAttribute('data-score')).toBe(false);
    expect(spans[0]!.getAttribute('title')).toBe('What: not read by the model (cut off: the model reads only the last 4 tokens)');
    expect(spans[2]!.getAttribute('title')).toBe('zorblax: 0.0100 (unknown word)');
    const key = screen.getByTestId('token-marks').textContent!;
    expect(key).toContain('unknown word (not in the vocabulary): the model reads it as <unk> (1)');
    expect(key).toContain('cut off: the model reads only the last 4 tokens (2)');
    // one sign only: the unread tokens stay uncoloured, nothing throws
    await fireEvent.click(screen.getByLabelText('against positive'));
    expect((spans[6] as HTMLElement).style.background).toBe('transparent');
  });
});
