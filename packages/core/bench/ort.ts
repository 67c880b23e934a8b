/**
 * The 'ort' executor on a bench model: the compiled forward pass and LRP, first calls (graph
 * build + session creation) timed apart from the steady state, and the peak RSS of the ORT
 * explanation measured in a child process that does only that (bench/ort-rss.ts; the figure
 * includes the model's tfjs weights, which every process explaining a tfjs model holds).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
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
  /** Seconds the LRP graph took to save and load into a session (part of lrpFirst). */
  readonly lrpBuild: number;
  /** Peak RSS of the ORT explanation alone (child process), and that process's RSS before it (the model's tfjs weights). */
  readonly peakRssMiB: number;
  readonly modelRssMiB: number;
}

/** The child process's figures (bench/ort-rss.ts). */
function childRss(only: string, args: readonly string[]): { peak: number; modelRss: number } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ort-rss.ts'), '--only', only, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = child.stdout.split('\n').find((l) => l.startsWith('ORT_RSS '));
  if (!line) throw new Error(`bench/ort-rss.ts failed (${child.status}): ${child.stderr.slice(-500)}`);
  return JSON.parse(line.slice('ORT_RSS '.length)) as { peak: number; modelRss: number };
}

async function secondsAsync(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

export async function benchOrt(model: XaiModel, input: tf.Tensor, options: LrpOptions, runs: number, child: { only: string; args: readonly string[] }): Promise<OrtBench> {
  const rss = childRss(child.only, child.args);
  console.log(`ORT explanation alone (child process): peak RSS ${rss.peak} MiB, of which ${rss.modelRss} MiB before it (node, tfjs and the model's weights)`);
  let provider = '?';
  let lrpBuild = 0;
  const forwardOnce = async () => {
    const y = await forwardOnOrt({ graph: model.graph, inputShapes: [input.shape], from: explainedTensor(model.graph, 0), inputs: [input] });
    y.dispose();
  };
  const lrpOnce = async () => {
    const e = await lrpOn(model, input, { ...options, executor: 'ort' });
    if (e.execution?.executor !== 'ort') throw new Error(`the bench expected ORT to run: ${e.execution?.fallback}`);
    provider = e.execution.provider ?? '?';
    if (e.execution.built) lrpBuild = (e.execution.buildMs ?? 0) / 1000;
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
    lrpBuild, peakRssMiB: rss.peak, modelRssMiB: rss.modelRss,
  };
  console.log(
    `ORT (${provider}): first calls (build + run) forward ${forwardFirst.toFixed(2)} s, LRP ${lrpFirst.toFixed(2)} s (of which saving the graph and creating the session ${lrpBuild.toFixed(2)} s); ` +
      `median forward ${result.forward.toFixed(3)} s, LRP ${result.lrp.toFixed(3)} s (${(result.lrp / result.forward).toFixed(2)}× ORT forward)`,
  );
  return result;
}
