/**
 * The 'ort' executor on a bench model: the compiled forward pass and LRP, first calls (graph
 * build + session creation) timed apart from the steady state, and peak RSS after its rounds
 * (run before the tfjs rounds, so the figure is ORT's plus the model's tfjs weights).
 */
import type * as tf from '@tensorflow/tfjs';
import { explainedTensor, lrpOn, type LrpOptions, type XaiModel } from '../src/index.js';
import { forwardOnOrt } from '../src/executors/ort/run-explanation.js';
import { median } from './timing.js';

export interface OrtBench {
  readonly provider: string;
  /** Seconds of the first call (build + run), forward and LRP. */
  readonly forwardFirst: number;
  readonly lrpFirst: number;
  /** Medians of the later calls. */
  readonly forward: number;
  readonly lrp: number;
  readonly peakRssMiB: number;
}

async function secondsAsync(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

export async function benchOrt(model: XaiModel, input: tf.Tensor, options: LrpOptions, runs: number): Promise<OrtBench> {
  let provider = '?';
  const forwardOnce = async () => {
    const y = await forwardOnOrt({ graph: model.graph, inputShapes: [input.shape], from: explainedTensor(model.graph, 0), inputs: [input] });
    y.dispose();
  };
  const lrpOnce = async () => {
    const e = await lrpOn(model, input, { ...options, executor: 'ort' });
    if (e.execution?.executor !== 'ort') throw new Error(`the bench expected ORT to run: ${e.execution?.fallback}`);
    provider = e.execution.provider ?? '?';
    e.dispose();
  };
  const forwardFirst = await secondsAsync(forwardOnce);
  const lrpFirst = await secondsAsync(lrpOnce);
  const rows: { forward: number; lrp: number }[] = [];
  for (let r = 0; r < runs; r++) {
    const forward = await secondsAsync(forwardOnce);
    const lrp = await secondsAsync(lrpOnce);
    rows.push({ forward, lrp });
    console.log(`round ${r + 1}/${runs}: ORT forward ${forward.toFixed(3)} s, ORT LRP ${lrp.toFixed(3)} s`);
  }
  const result = {
    provider, forwardFirst, lrpFirst,
    forward: median(rows.map((row) => row.forward)), lrp: median(rows.map((row) => row.lrp)),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  console.log(
    `ORT (${provider}): first calls (build + run) forward ${forwardFirst.toFixed(2)} s, LRP ${lrpFirst.toFixed(2)} s; ` +
      `median forward ${result.forward.toFixed(3)} s, LRP ${result.lrp.toFixed(3)} s (${(result.lrp / result.forward).toFixed(2)}× ORT forward); peak RSS so far ${result.peakRssMiB.toFixed(0)} MiB`,
  );
  return result;
}
