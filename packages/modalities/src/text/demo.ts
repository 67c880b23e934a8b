/**
 * The shipped text demo: two sentiment models trained by `scripts/text-train.ts` on the AFINN corpus
 * of `scripts/text-make-corpus.ts`, their vocabulary, and a few reviews, under demo/text/; and a
 * BERT-style transformer trained on the same corpus by `scripts/text-transformer-train.py`
 * (demo/text/transformer: model.onnx with its own WordPiece tokenizer.json).
 */
import { fileURLToPath } from 'node:url';
import type { DemoInput, DemoModel } from '../adapter.js';

const at = (path: string) => fileURLToPath(new URL(`../../demo/text/${path}`, import.meta.url));

export const TEXT_DEMO_DIR = at('');
export const TEXT_DEMO_VOCABULARY = at('vocabulary.json');
export const TEXT_DEMO_CLASSES = ['negative', 'positive'] as const;
export const TEXT_DEMO_MODELS = {
  /** Embedding(maskZero) → LSTM(16) → Dense(2); needs @xai/lstm's registerLstmPlugin(). */
  lstm: at('lstm/model.json'),
  /** Embedding → Conv1D(32, 3) → GlobalMaxPooling1D → Dense(2); needs registerLstmPlugin() for the Embedding. */
  cnn: at('cnn/model.json'),
  /** BERT-style encoder (2 layers, d = 48, 4 heads, 64 positions) in ONNX; reads input_ids and attention_mask. */
  transformer: at('transformer/model.onnx'),
} as const;

/** The transformer demo's tokenizer.json (WordPiece, BERT normaliser). */
export const TEXT_DEMO_TOKENIZER = at('transformer/tokenizer.json');

export const textDemoModels: DemoModel[] = [
  {
    name: 'sentiment-lstm', path: TEXT_DEMO_MODELS.lstm, classNames: TEXT_DEMO_CLASSES, decodeOptions: { vocabulary: TEXT_DEMO_VOCABULARY },
    description: 'Embedding → LSTM → Dense sentiment classifier on generated AFINN sentences (needs the @xai/lstm plugin)',
  },
  {
    name: 'sentiment-cnn', path: TEXT_DEMO_MODELS.cnn, classNames: TEXT_DEMO_CLASSES, decodeOptions: { vocabulary: TEXT_DEMO_VOCABULARY },
    description: 'Embedding → Conv1D → GlobalMaxPooling1D → Dense sentiment classifier on the same corpus (needs the @xai/lstm plugin for Embedding)',
  },
  {
    name: 'sentiment-transformer', path: TEXT_DEMO_MODELS.transformer, classNames: TEXT_DEMO_CLASSES, decodeOptions: { tokenizer: TEXT_DEMO_TOKENIZER },
    description: "BERT-style transformer (2 layers, d = 48, 4 heads; ONNX from PyTorch) with its WordPiece tokenizer.json, on the same corpus: explained at the encoder input (LRP composite 'transformer', attention rollout …), words = sums of their subwords",
  },
];

export const textDemoInputs: DemoInput[] = [
  { name: 'positive-review', files: [at('inputs/positive-review.txt')], description: 'a positive review with a contraction (wasn’t), longer than the LSTM’s 20 tokens (the first words are cut off, and marked)', model: 'sentiment-lstm' },
  { name: 'negative-review', files: [at('inputs/negative-review.txt')], description: 'a negative review with quotes', model: 'sentiment-lstm' },
  { name: 'mixed-review', files: [at('inputs/mixed-review.txt')], description: 'one positive and one negative word: relevance for and against', model: 'sentiment-cnn' },
  { name: 'mixed-review-subwords', files: [at('inputs/mixed-review.txt')], description: 'the mixed review in subword tokens ([CLS] … [SEP]) for the transformer', model: 'sentiment-transformer' },
];
