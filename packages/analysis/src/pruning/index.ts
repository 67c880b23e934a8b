export { convLayers, zeroFilters, filterL1Norms, type FilterId } from './conv-filters.js';
export { filterScores, normalisePerLayer, PRUNING_CRITERIA, type PruningCriterion, type ReferenceSet, type LayerScores, type ScoreOptions } from './criteria.js';
export { pruneIteratively, prunedCopy, accuracy, type PruningOptions, type PruningStep, type PruningResult } from './prune-iteratively.js';
export { plotPruningCurves, type CurvePlotOptions } from './curve-plot.js';
