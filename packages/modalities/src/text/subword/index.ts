/** Subword text for transformer models: a model's own tokenizer.json, offsets, words from subwords. */
export { SubwordTokenizer, type SubwordEncoding, type SubwordEncodeOptions, type SubwordToken } from './subword-tokenizer.js';
export { alignSurfaces, normalizedBytes, type NormalizedBytes, type Surface } from './align-offsets.js';
export { byteLevelBytes, byteLevelDecoder } from './byte-level.js';
