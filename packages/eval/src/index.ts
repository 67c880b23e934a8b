/** @xai/eval — measuring explanation quality: faithfulness, localisation, axioms, complexity, randomisation. */
import './registry/builtin-metrics.js';

// Errors
export { EmptyMaskError, NotApplicableError } from './errors.js';

// Plain data: layouts, pooling, the model as a function, explainers
export { layoutOf, type ChannelAxis, type Layout } from './data/layout.js';
export { POOLINGS, NONNEGATIVE_POOLINGS, poolChannels, type ChannelPooling } from './data/pooling.js';
export { asPredict, modelPredictor, type ModelLike, type OutputScore, type PredictFn, type PredictorOptions } from './data/predict.js';
export { coreExplainer, type BatchExplainer, type ExplainerOptions, type MethodConfig } from './data/explainer.js';
export type { AttributedSamples } from './data/samples.js';
export { inputsWithHeld, type HeldInput, type HeldInputs } from './data/held-inputs.js';
export type { BatchOptions } from './data/evaluate-rows.js';
export { cloneLayersModel, editedModel, withLinearParams, type LinearParams } from './data/clone-model.js';
export { channelsLastBoundary, isChannelsLastView, toChannelsFirst, toChannelsLast, type ChannelsLastBoundary } from './data/channels-first.js';
export { seededRandom, deriveSeed, type Random } from './random/seeded.js';

// Statistics
export { spearman } from './stats/spearman.js';
export { pearson } from './stats/pearson.js';
export { ssim, type SsimOptions } from './stats/ssim.js';
export { averageRanks, topK } from './stats/ranks.js';
export { summarise, meanCurve, type Summary } from './stats/summary.js';

// Faithfulness
export { aopc, meanOfCurve } from './faithfulness/aopc.js';
export { replacementValues, PERTURBATION_KINDS, type Perturbation } from './faithfulness/perturbation.js';
export { selectRegions, gridRegions, type Region, type RegionOrder, type RegionSelection } from './faithfulness/regions.js';
export { pixelFlipping, type PixelFlippingOptions, type PixelFlippingResult } from './faithfulness/pixel-flipping.js';
export { selectivity, type SelectivityOptions, type SelectivityResult } from './faithfulness/selectivity.js';
export { noisyLinearImputation, neighbourWeights } from './faithfulness/linear-imputation.js';
export { removedPositionCount, road, type RoadOptions, type RoadResult } from './faithfulness/road.js';
export { faithfulnessCorrelation, type FaithfulnessCorrelationOptions, type FaithfulnessCorrelationResult } from './faithfulness/faithfulness-correlation.js';
export { wordDeletion, type WordDeletionOptions, type WordDeletionResult } from './faithfulness/word-deletion.js';

// Localisation / ground truth
export type { LocalisationOptions } from './localisation/masks.js';
export { relevanceMassAccuracy, type MassAccuracyOptions } from './localisation/relevance-mass-accuracy.js';
export { relevanceRankAccuracy } from './localisation/relevance-rank-accuracy.js';
export { pointingGame, type PointingGameOptions, type PointingResult } from './localisation/pointing-game.js';
export { topKIntersection, type TopKOptions } from './localisation/top-k-intersection.js';
export { attributionLocalisation, type AttributionLocalisationOptions } from './localisation/attribution-localisation.js';

// Axioms
export { conservationResidual } from './axioms/conservation.js';
export { inputInvariance, shiftCompensatedModel, type InputInvarianceOptions, type InputInvarianceResult } from './axioms/input-invariance.js';
export { continuity } from './axioms/continuity.js';
export { localLipschitz } from './axioms/local-lipschitz.js';
export type { NeighbourhoodOptions } from './axioms/neighbourhood.js';
export { positivityShare } from './axioms/positivity.js';

// Complexity
export { sparseness } from './complexity/sparseness.js';
export { complexity } from './complexity/complexity.js';
export type { MagnitudeOptions } from './complexity/magnitudes.js';

// Randomisation
export { explanationSimilarity, type Similarity, type SimilarityOptions } from './randomisation/similarity.js';
export {
  modelParameterRandomisation, randomisableLayers, randomisableNodes, randomisedModel, reinitialiseLayer, reinitialisedParams, type RandomisationOptions, type RandomisationResult,
} from './randomisation/model-randomisation.js';
export { randomLogit, type RandomLogitOptions, type RandomLogitResult } from './randomisation/random-logit.js';

// Registry
export {
  METRIC_CATEGORIES, type Curve, type Direction, type MetricCategory, type MetricContext, type MetricDefinition, type MetricRequirement, type MetricResult,
} from './registry/metric.js';
export { registerMetric, metricByName, listMetrics, metricCatalog, metricDirection, resolveMetricOptions, type MetricCatalogEntry } from './registry/registry.js';
export { BUILTIN_METRICS } from './registry/builtin-metrics.js';

// Benchmark
export {
  runBenchmark, benchmarkFraction, DEFAULT_BENCHMARK_SEED, DEFAULT_DATA_SEED, type BenchmarkOptions, type BenchmarkProgress, type BenchmarkResult, type BenchmarkSamples, type CurveSummary, type MethodSpec,
  type MetricConfig, type MetricSpec, type TableRow,
} from './benchmark/run-benchmark.js';
export { benchmarkToJson, benchmarkToCsv, benchmarkToMarkdown, type CsvTable, type JsonOptions } from './benchmark/export.js';
export { writeBenchmark } from './benchmark/write-benchmark.js';
export { benchmarkCommand, progressLine, USAGE as BENCHMARK_USAGE, type CliIo, type DataReader } from './cli/benchmark-command.js';
