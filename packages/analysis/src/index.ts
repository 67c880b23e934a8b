// @xai/analysis: what one learns from many explanations (SpRAy, ClArC, NEON, relevance pruning).
export {};
export { explainDataset, type DatasetSample, type DatasetProgress, type ExplainDatasetOptions, type StoreManifest, type StoreCompletion, type TargetChoice } from './dataset/explain-dataset.js';
export { readRelevanceStore, type RelevanceStore } from './dataset/relevance-store.js';
export { quantiseInto, dequantise, ENCODINGS, type Encoding } from './dataset/quantise.js';
export * from './neon/index.js';
export { spray, type SprayOptions, type SprayResult } from './spray/spray.js';
export { preprocessHeatmap, downsampleArea, type PreprocessOptions } from './spray/preprocess.js';
export { knnAffinity, pairwiseSquaredDistances } from './spray/knn-affinity.js';
export { laplacianSpectrum, eigengapClusterCount, spectralEmbedding, RELATIVE_GAP_EPSILON, type Spectrum, type EigengapMode } from './spray/spectral.js';
export { kMeans, type KMeansResult, type KMeansOptions } from './neon/kmeans.js';
export { tsne, type TsneOptions } from './spray/tsne.js';
export { umap, type UmapOptions } from './spray/umap.js';
export { summariseClusters, type ClusterSummary } from './spray/summaries.js';
export { generateCleverHans, paintWatermark, watermarkMask, artefactCluster, WATERMARK, CLEVER_HANS_MODEL, type CleverHansDataset, type CleverHansOptions, type ArtefactClusterScore } from './demo/clever-hans.js';
export * from './pruning/index.js';
export { conceptDirection, activationsAt, type ConceptDirection } from './clarc/cav.js';
export { projectiveClarc } from './clarc/p-clarc.js';
export { augmentativeClarc, type AugmentativeClarcOptions } from './clarc/a-clarc.js';
