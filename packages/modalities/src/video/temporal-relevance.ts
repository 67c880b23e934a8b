/**
 * Relevance over time. A frame's relevance is r_t = Σ R over its pixels and channels — what the
 * frame as a whole contributes, as a word's relevance is the sum over its embedding (Arras et al.)
 * and as LRP's conservation splits the logit over frames. Its share is |r_t| / Σ_t |r_t|.
 * Σ |R| per frame (where the heatmap has ink, positive and negative) is kept beside it: in frames
 * that do not matter, large opposite pixel relevances can cancel in r_t yet fill Σ |R|.
 * As JSON and CSV numbers and as a line plot (the fMRI time-course plot).
 */
import type { RgbaImage } from '@xai/core';
import { timeCoursePlot } from '../fmri/time-course.js';
import type { FrameRelevance, TemporalRelevanceView } from '../view-schemas.js';

export type { FrameRelevance, TemporalRelevanceView };


export function temporalRelevance(relevance: Float32Array, frames: number, times: readonly number[], sourceFrames: readonly number[]): FrameRelevance[] {
  const per = relevance.length / frames;
  const rows = Array.from({ length: frames }, (_, t) => {
    let [sum, absSum, positiveSum] = [0, 0, 0];
    for (let p = t * per; p < (t + 1) * per; p++) {
      const v = relevance[p]!;
      sum += v;
      absSum += Math.abs(v);
      positiveSum += Math.max(0, v);
    }
    return { frame: t, sourceFrame: sourceFrames[t]!, time: times[t]!, sum, absSum, positiveSum, share: 0, absShare: 0 };
  });
  const temporal = rows.reduce((a, r) => a + Math.abs(r.sum), 0);
  const ink = rows.reduce((a, r) => a + r.absSum, 0);
  return rows.map((r) => ({ ...r, share: temporal > 0 ? Math.abs(r.sum) / temporal : 0, absShare: ink > 0 ? r.absSum / ink : 0 }));
}

/** Share of the temporal relevance (Σ_t |r_t|) that falls in the given frames (positions in the clip). */
export function shareInFrames(rows: readonly FrameRelevance[], frames: readonly number[]): number {
  return frames.reduce((a, t) => a + (rows[t]?.share ?? 0), 0);
}

/** Share of the heatmap's Σ |R| that falls in the given frames. */
export function absShareInFrames(rows: readonly FrameRelevance[], frames: readonly number[]): number {
  return frames.reduce((a, t) => a + (rows[t]?.absShare ?? 0), 0);
}

export function temporalCsv(rows: readonly FrameRelevance[]): string {
  const head = 'frame,source_frame,time_s,relevance,abs_relevance,positive_relevance,share,share_abs';
  return [head, ...rows.map((r) => [r.frame, r.sourceFrame, r.time, r.sum, r.absSum, r.positiveSum, r.share, r.absShare].join(','))].join('\n') + '\n';
}

/** `temporal-relevance.json`: the rows with their totals and the peak frame. */
export function temporalView(rows: readonly FrameRelevance[], about: Omit<TemporalRelevanceView, 'format' | 'version' | 'total' | 'peakFrame' | 'frames'>): TemporalRelevanceView {
  const total = rows.reduce((a, r) => ({ sum: a.sum + r.sum, absSum: a.absSum + r.absSum, positiveSum: a.positiveSum + r.positiveSum }), { sum: 0, absSum: 0, positiveSum: 0 });
  const peak = rows.reduce((best, r) => (r.share > best.share ? r : best), rows[0]!);
  return { format: 'xai-video-temporal-relevance', version: 1, ...about, total, peakFrame: peak.frame, frames: [...rows] };
}

/** Line plot over time: each frame's signed relevance r_t / Σ_t |r_t|, and its share of Σ |R|. */
export function temporalPlot(rows: readonly FrameRelevance[], title: string): RgbaImage {
  const total = rows.reduce((a, r) => a + Math.abs(r.sum), 0) || 1;
  return timeCoursePlot(rows.map((r) => r.time), [
    { name: 'r_t / sum |r_t|', voxels: 0, values: Float64Array.from(rows, (r) => r.sum / total) },
    { name: 'share of sum |R|', voxels: 0, values: Float64Array.from(rows, (r) => r.absShare) },
  ], { title: title.slice(0, 56), xLabel: 'time (s)', yLabel: 'relevance per frame', width: 640, height: 320 });
}
