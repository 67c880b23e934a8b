/**
 * The fixed question vocabulary and tokenisation: the text modality's Treebank tokens (so offsets
 * into the question come for free, for highlighting), lower-cased, looked up in a vocabulary of
 * every word the question grammar (questions.ts) can write, padded in front to a fixed length.
 */
import { encodeTokens, type EncodedText } from '../text/encode-tokens.js';
import { tokenizeTreebank } from '../text/treebank-tokenizer.js';
import { Vocabulary, type OovPolicy } from '../text/vocabulary.js';
import { COLOURS, SHAPES, SIZES } from './scene.js';

/** Token positions the model reads (the longest question has 13 tokens). */
export const QUESTION_LENGTH = 14;

/** Every word the templates use; ids from 2 in this order (0 = padding, 1 = unknown word). */
export const QUESTION_WORDS: readonly string[] = [
  '?', 'what', 'is', 'the', 'there', 'a', 'how', 'many', 'are', 'as', 'does', 'have', 'same',
  'colour', 'shape', 'size', 'object', 'objects',
  ...SHAPES, ...SHAPES.map((s) => `${s}s`), ...COLOURS, ...SIZES,
];

export const questionVocabulary = (): Vocabulary =>
  Vocabulary.fromWords(QUESTION_WORDS, { lowercase: true, oov: 'unk', padding: 'pre', truncating: 'pre', maxLength: QUESTION_LENGTH }, 'vqa question vocabulary');

/** Token ids of a question ([QUESTION_LENGTH], padding in front) with its tokens and their offsets. */
export function encodeQuestion(text: string, options: { vocabulary?: Vocabulary; oov?: OovPolicy; file?: string } = {}): EncodedText {
  const vocabulary = options.vocabulary ?? questionVocabulary();
  return encodeTokens(tokenizeTreebank(text, { lowercase: true }), vocabulary, {
    oov: options.oov ?? 'unk', length: QUESTION_LENGTH, padding: 'pre', truncating: 'pre', file: options.file ?? 'question',
  });
}
