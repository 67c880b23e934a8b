// kMeans (./kmeans.js, shared with SpRAy) is exported by src/index.ts itself.
export { NeuralizedKMeans } from './neuralized-kmeans.js';
export { neon, neonBeta, type NeonOptions, type NeonExplanation } from './neon.js';
export { layerOutputNode, layerActivationRows } from './layer-output.js';
export {
  clusterFeatures, explainFeatureClusters,
  type FeatureClustering, type FeatureClusteringOptions, type FeatureNeonOptions, type FeatureNeonExplanation,
} from './neon-features.js';
