import { XaiError } from '@xai/core';

/** A text input (or its vocabulary) cannot be turned into model input; names the file and the problem. */
export class InvalidTextError extends XaiError {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** The out-of-vocabulary policy 'error' met words the vocabulary does not hold (listed in `words`). */
export class OutOfVocabularyError extends InvalidTextError {
  constructor(
    file: string,
    readonly words: readonly string[],
  ) {
    const shown = words.slice(0, 20).map((w) => JSON.stringify(w)).join(', ');
    super(file, `${words.length} word${words.length === 1 ? '' : 's'} not in the vocabulary (oov policy 'error'): ${shown}${words.length > 20 ? ', …' : ''}`);
  }
}
