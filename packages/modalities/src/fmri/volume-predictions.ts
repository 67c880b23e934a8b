/**
 * A 4-D run explained volume by volume (the volumes as a batch): the model's scores, predicted
 * class and explained target of every volume, and its relevance sums — `fmri-volumes.json`, a
 * CSV and a plot of the scores over time. Without this the T × C logits of a run read as one
 * flat list of T·C "classes".
 */
import { InvalidArgumentError, type RgbaImage } from '@xai/core';
import type { FmriVolumesView } from '../view-schemas.js';
import type { FmriLayout } from './fmri-layout.js';
import { timeCoursePlot } from './time-course.js';

export interface VolumePredictionInput {
  readonly file: string;
  readonly method: string;
  readonly target: number;
  readonly targetName?: string;
  /** T × C scores, volume after volume. */
  readonly logits: readonly number[];
  /** Each volume's explained class (default: `target` for every volume). */
  readonly targets?: readonly number[];
  readonly classNames?: readonly string[];
  /** Relevance of the whole sample, in the layout's order. */
  readonly relevance: ArrayLike<number>;
  readonly layout: FmriLayout;
  /** Acquisition time of each volume, in `timeUnit`. */
  readonly times: readonly number[];
  readonly timeUnit: string;
  readonly repetitionTime: number;
}

const argmax = (row: readonly number[]) => row.reduce((best, v, c) => (v > row[best]! ? c : best), 0);

export function volumePredictions(input: VolumePredictionInput): FmriVolumesView {
  const [ni, nj, nk, T] = input.layout.dims;
  const [si, sj, sk, st] = input.layout.strides;
  if (T < 1 || input.logits.length % T !== 0) {
    throw new InvalidArgumentError(`${input.file}: ${input.logits.length} scores do not split into ${T} volumes`);
  }
  const C = input.logits.length / T;
  const names = Array.from({ length: C }, (_, c) => input.classNames?.[c] ?? String(c));
  const named = (c: number) => (input.classNames?.[c] !== undefined ? input.classNames[c] : undefined);
  const volumes = Array.from({ length: T }, (_, t) => {
    const logits = input.logits.slice(t * C, (t + 1) * C);
    let sum = 0;
    let positive = 0;
    for (let i = 0; i < ni; i++) for (let j = 0; j < nj; j++) for (let k = 0; k < nk; k++) {
      const r = input.relevance[i * si + j * sj + k * sk + t * st]!;
      sum += r;
      positive += Math.max(0, r);
    }
    const predicted = argmax(logits);
    const target = input.targets?.[t] ?? input.target;
    return {
      volume: t, time: input.times[t] ?? t, logits, predicted,
      ...(named(predicted) !== undefined ? { predictedName: named(predicted)! } : {}),
      target,
      ...(named(target) !== undefined ? { targetName: named(target)! } : {}),
      relevanceSum: sum, positiveRelevanceSum: positive,
    };
  });
  return {
    format: 'xai-fmri-volumes', version: 1, file: input.file, method: input.method, target: input.target,
    ...(input.targetName !== undefined ? { targetName: input.targetName } : {}),
    classNames: names, timeUnit: input.timeUnit, repetitionTime: input.repetitionTime, volumes,
  };
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** CSV: volume, time, predicted class, explained class, one score column per class, relevance sums. */
export function volumePredictionsCsv(view: FmriVolumesView): string {
  const head = ['volume', `time_${view.timeUnit}`, 'predicted', 'explained', ...view.classNames.map((c) => `score_${c}`), 'relevance', 'positive_relevance'].map(csvField).join(',');
  const rows = view.volumes.map((v) =>
    [String(v.volume), String(v.time), csvField(view.classNames[v.predicted] ?? String(v.predicted)), csvField(view.classNames[v.target] ?? String(v.target)), ...v.logits.map(String), String(v.relevanceSum), String(v.positiveRelevanceSum)].join(','),
  );
  return [head, ...rows].join('\n') + '\n';
}

/** Each class's score over the volumes, as a line plot. */
export function volumeScoresPlot(view: FmriVolumesView): RgbaImage {
  const times = view.volumes.map((v) => v.time);
  const courses = view.classNames.slice(0, 7).map((name, c) => ({ name, voxels: 0, values: Float64Array.from(view.volumes, (v) => v.logits[c]!) }));
  return timeCoursePlot(times, courses, { title: 'class scores per volume', xLabel: `time (${view.timeUnit})`, yLabel: 'score' });
}
