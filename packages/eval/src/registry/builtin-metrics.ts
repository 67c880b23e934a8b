/** Registers the metrics this package ships with, in the order listings show them. */
import { conservationMetric } from '../axioms/conservation.js';
import { continuityMetric } from '../axioms/continuity.js';
import { inputInvarianceMetric } from '../axioms/input-invariance.js';
import { localLipschitzMetric } from '../axioms/local-lipschitz.js';
import { positivityMetric } from '../axioms/positivity.js';
import { complexityMetric } from '../complexity/complexity.js';
import { sparsenessMetric } from '../complexity/sparseness.js';
import { faithfulnessCorrelationMetric } from '../faithfulness/faithfulness-correlation.js';
import { pixelFlippingMetric } from '../faithfulness/pixel-flipping.js';
import { roadMetric } from '../faithfulness/road.js';
import { selectivityMetric } from '../faithfulness/selectivity.js';
import { wordDeletionMetric } from '../faithfulness/word-deletion.js';
import { attributionLocalisationMetric } from '../localisation/attribution-localisation.js';
import { pointingGameMetric } from '../localisation/pointing-game.js';
import { relevanceMassAccuracyMetric } from '../localisation/relevance-mass-accuracy.js';
import { relevanceRankAccuracyMetric } from '../localisation/relevance-rank-accuracy.js';
import { topKIntersectionMetric } from '../localisation/top-k-intersection.js';
import { modelRandomisationMetric } from '../randomisation/model-randomisation.js';
import { randomLogitMetric } from '../randomisation/random-logit.js';
import { registerMetric } from './registry.js';

export const BUILTIN_METRICS = [
  pixelFlippingMetric,
  selectivityMetric,
  roadMetric,
  faithfulnessCorrelationMetric,
  wordDeletionMetric,
  relevanceMassAccuracyMetric,
  relevanceRankAccuracyMetric,
  pointingGameMetric,
  topKIntersectionMetric,
  attributionLocalisationMetric,
  conservationMetric,
  inputInvarianceMetric,
  continuityMetric,
  localLipschitzMetric,
  positivityMetric,
  sparsenessMetric,
  complexityMetric,
  modelRandomisationMetric,
  randomLogitMetric,
] as const;

for (const m of BUILTIN_METRICS) registerMetric(m);
