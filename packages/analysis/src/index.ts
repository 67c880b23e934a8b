// @xai/analysis: what one learns from many explanations (SpRAy, ClArC, NEON, relevance pruning).
export {};
export { explainDataset, type DatasetSample, type DatasetProgress, type ExplainDatasetOptions, type StoreManifest, type StoreCompletion, type TargetChoice } from './dataset/explain-dataset.js';
export { readRelevanceStore, type RelevanceStore } from './dataset/relevance-store.js';
export { quantiseInto, dequantise, ENCODINGS, type Encoding } from './dataset/quantise.js';
export * from './neon/index.js';
