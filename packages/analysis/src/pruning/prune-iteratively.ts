/**
 * Iterative structured pruning of convolution filters: score every remaining filter, zero the
 * lowest-ranked ones (globally over layers, on per-layer normalised scores), measure the accuracy,
 * repeat. No fine-tuning between steps (the curves then compare the criteria alone).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, XaiModel } from '@xai/core';
import { cloneLayersModel } from '@xai/eval';
import { convLayers, filterL1Norms, zeroFilters, type FilterId } from './conv-filters.js';
import { filterScores, normalisePerLayer, type LayerScores, type PruningCriterion, type ReferenceSet, type ScoreOptions } from './criteria.js';

export interface PruningOptions extends Omit<ScoreOptions, 'layers'> {
  readonly criterion: PruningCriterion;
  /** Where 'relevance' and 'taylor' are measured (unused by 'magnitude'). */
  readonly reference?: ReferenceSet;
  /** Where the accuracy is measured after each step. */
  readonly test: ReferenceSet;
  /** Filters pruned per step (default: 5% of all, at least 1). */
  readonly filtersPerStep?: number;
  /** Stop once this share of all filters is pruned (default 0.9); every layer keeps at least one filter. */
  readonly maxShare?: number;
  /** Score once at the start instead of after every step (default false: re-scored each step). */
  readonly scoreOnce?: boolean;
  readonly onProgress?: (step: PruningStep) => void;
}

export interface PruningStep {
  /** Filters pruned so far, and their share of all filters. */
  readonly pruned: number;
  readonly share: number;
  readonly accuracy: number;
  /** The filters pruned in this step. */
  readonly filters: readonly FilterId[];
}

export interface PruningResult {
  readonly criterion: PruningCriterion;
  readonly totalFilters: number;
  /** Step 0 is the unpruned model. */
  readonly steps: readonly PruningStep[];
  /** Every pruned filter, in pruning order. */
  readonly order: readonly FilterId[];
  /** The pruned copy (the source is untouched); the caller disposes it. */
  readonly model: tf.LayersModel;
}

/** Share of `set` whose arg-max prediction is its label. */
export function accuracy(model: tf.LayersModel, set: ReferenceSet, batchSize = 128): number {
  const n = set.inputs.shape[0]!;
  if (set.labels.length !== n) throw new InvalidArgumentError(`the test set has ${n} inputs and ${set.labels.length} labels`);
  let right = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const predicted = tf.tidy(() => {
      const out = model.predict(set.inputs.slice(start, size)) as tf.Tensor;
      return Array.from(out.argMax(-1).dataSync());
    });
    predicted.forEach((p, i) => (right += p === set.labels[start + i] ? 1 : 0));
  }
  return n ? right / n : 0;
}

/** Per-layer normalised scores of the current weights (data-driven criteria on a fresh engine view: the engine caches rule variants of kernels per node). */
async function scoresOf(model: tf.LayersModel, options: PruningOptions, layers: readonly string[]): Promise<LayerScores[]> {
  if (options.criterion === 'magnitude') return normalisePerLayer(layers.map((layer) => ({ layer, scores: filterL1Norms(model, layer) })));
  const view = XaiModel.fromLayersModel(await cloneLayersModel(model), {}, model.name);
  try {
    return normalisePerLayer(filterScores(view, options.criterion, options.reference ?? null, { ...options, layers }));
  } finally {
    view.dispose();
  }
}

/** Prunes a copy of `source` step by step under one criterion; the accuracy after every step. */
export async function pruneIteratively(source: tf.LayersModel, options: PruningOptions): Promise<PruningResult> {
  const convs = convLayers(source);
  if (convs.length === 0) throw new InvalidArgumentError(`'${source.name}' has no convolution layers to prune`);
  const layers = convs.map((c) => c.layer);
  const totalFilters = convs.reduce((a, c) => a + c.filters, 0);
  const perStep = options.filtersPerStep ?? Math.max(1, Math.round(totalFilters * 0.05));
  const maxShare = options.maxShare ?? 0.9;
  if (!Number.isInteger(perStep) || perStep < 1) throw new InvalidArgumentError(`filtersPerStep must be a positive integer, got ${perStep}`);
  if (!(maxShare > 0 && maxShare <= 1)) throw new InvalidArgumentError(`maxShare must be in (0, 1], got ${maxShare}`);
  const limit = Math.min(Math.floor(totalFilters * maxShare), totalFilters - convs.length);
  const model = await cloneLayersModel(source);
  try {
    const pruned = new Set<string>();
    const key = (f: FilterId) => `${f.layer}#${f.filter}`;
    const remaining = (layer: string) => convs.find((c) => c.layer === layer)!.filters - [...pruned].filter((k) => k.startsWith(`${layer}#`)).length;
    const steps: PruningStep[] = [{ pruned: 0, share: 0, accuracy: accuracy(model, options.test), filters: [] }];
    options.onProgress?.(steps[0]!);
    const order: FilterId[] = [];
    let scores = await scoresOf(model, options, layers);
    while (order.length < limit) {
      if (!options.scoreOnce && order.length > 0) scores = await scoresOf(model, options, layers);
      // Remaining filters, lowest score first (ties: model order, for determinism).
      const ranked = scores
        .flatMap(({ layer, scores: s }) => Array.from(s, (score, filter) => ({ layer, filter, score })))
        .filter((f) => !pruned.has(key(f)))
        .sort((a, b) => a.score - b.score);
      const chosen: FilterId[] = [];
      for (const f of ranked) {
        if (chosen.length >= Math.min(perStep, limit - order.length)) break;
        // Every layer keeps one filter: a layer of zeros cuts the network.
        if (remaining(f.layer) - chosen.filter((c) => c.layer === f.layer).length <= 1) continue;
        chosen.push({ layer: f.layer, filter: f.filter });
      }
      if (chosen.length === 0) break;
      for (const layer of layers) {
        const filters = chosen.filter((c) => c.layer === layer).map((c) => c.filter);
        if (filters.length) zeroFilters(model, layer, filters);
      }
      chosen.forEach((f) => pruned.add(key(f)));
      order.push(...chosen);
      const step = { pruned: order.length, share: order.length / totalFilters, accuracy: accuracy(model, options.test), filters: chosen };
      steps.push(step);
      options.onProgress?.(step);
    }
    return { criterion: options.criterion, totalFilters, steps, order, model };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** A copy of `source` with the given filters zeroed (e.g. the first n of a run's `order`: that run's model after n filters). */
export async function prunedCopy(source: tf.LayersModel, filters: readonly FilterId[]): Promise<tf.LayersModel> {
  const model = await cloneLayersModel(source);
  try {
    for (const layer of new Set(filters.map((f) => f.layer))) zeroFilters(model, layer, filters.filter((f) => f.layer === layer).map((f) => f.filter));
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}
