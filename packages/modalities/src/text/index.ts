/** The text modality: Treebank tokens, vocabulary and OOV policy, per-token relevance as HTML/ANSI/JSON; subword tokens of a transformer's tokenizer.json. */
export { textAdapter, textFile } from './text-adapter.js';
export { TEXT_DEMO_DIR, TEXT_DEMO_VOCABULARY, TEXT_DEMO_CLASSES, TEXT_DEMO_MODELS, TEXT_DEMO_TOKENIZER, textDemoModels, textDemoInputs } from './demo.js';
export { tokenizeTreebank, codePointOffsets, type TextToken, type TokenizeOptions } from './treebank-tokenizer.js';
export {
  Vocabulary, PAD_ID, OOV_ID, PAD_TOKEN, OOV_TOKEN, OOV_POLICIES, SEQUENCE_SIDES,
  type OovPolicy, type SequenceSide, type VocabularySettings, type VocabularyFile,
} from './vocabulary.js';
export { encodeTokens, markOf, type EncodedText, type EncodedToken, type EncodeOptions } from './encode-tokens.js';
export { tokenRelevance, type TokenRelevance } from './token-relevance.js';
export { bwr, rescaleByAbs, scoreColour, symmetricScale, hexColour, textColourOn, formatScore, type Rgb } from './bwr-colour.js';
export { sentenceOf, tokenScales, markMeaning, type HighlightToken, type ScaleBy, type TokenMark } from './highlight-token.js';
export { textHeatmapHtml, legendHtml, marksKeyHtml, htmlPage, escapeHtml, MARK_STYLES, type TextHtmlOptions } from './render-html.js';
export { textHeatmapAnsi, sanitizeForTerminal, xterm256, ANSI_MARKS, type AnsiColours, type TextAnsiOptions } from './render-ansi.js';
export { textPreviewPng, tokenBoxesPng } from './render-preview.js';
export { textRelevanceJson, type TextRelevanceJson, type TextRelevanceJsonToken } from './token-json.js';
export { InvalidTextError, OutOfVocabularyError } from './text-errors.js';
export * from './subword/index.js';
