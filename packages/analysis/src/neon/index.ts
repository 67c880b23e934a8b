export { kMeans, type KMeansOptions, type KMeansResult } from './kmeans.js';
export { NeuralizedKMeans } from './neuralized-kmeans.js';
export { neon, neonBeta, type NeonOptions, type NeonExplanation } from './neon.js';
export { layerOutputNode, layerActivationRows } from './layer-output.js';
export {
  clusterFeatures, explainFeatureClusters,
  type FeatureClustering, type FeatureClusteringOptions, type FeatureNeonOptions, type FeatureNeonExplanation,
} from './neon-features.js';
