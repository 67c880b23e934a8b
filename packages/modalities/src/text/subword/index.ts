/** Subword text for transformer models: a model's own tokenizer.json, offsets, words from subwords. */
export { SubwordTokenizer, type SubwordEncoding, type SubwordEncodeOptions, type SubwordToken } from './subword-tokenizer.js';
export { alignSurfaces, normalizedBytes, type NormalizedBytes, type Surface } from './align-offsets.js';
export { byteLevelBytes, byteLevelDecoder } from './byte-level.js';
export { subwordWords, subwordRelevance, positionRelevance, type SubwordWord, type SubwordRelevance } from './subword-words.js';
export { decodeSubwordText, isSubwordInput, subwordArtefacts, subwordPreview, subwordTokenizerOf, type SubwordDecodeOptions, type SubwordRenderOptions } from './subword-text.js';
