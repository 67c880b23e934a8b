/**
 * Throughput: LRP explanations per second at batch 16 (the default composite), the tfjs executor
 * against the 'ort' executor on the same model and batch — the demo CNN (32×32×3) and ResNet-18
 * from ONNX (224×224, generated as in bench/resnet18-onnx.ts). Medians of N rounds after a warm-up;
 * ORT's first call (graph build + session creation + run) and its build time reported apart. Each
 * model is loaded with the library's defaults (worker thread where it pays off).
 */
import * as tf from '@tensorflow/tfjs';
import { DEMO_MODEL, loadModel, lrp, lrpOn, stopWorkers, type XaiModel } from '../src/index.js';
import { mulberry32 } from '../src/random/mulberry32.js';
import { resnet18Onnx } from '../test/onnx/resnet18-onnx.js';
import { median } from './timing.js';

export interface ThroughputRow {
  readonly model: string;
  readonly batch: number;
  /** Explanations per second: batch / median seconds of one batched call. */
  readonly tfjsPerSecond: number;
  readonly ortPerSecond: number;
  readonly provider: string;
  /** ORT's first call in seconds (build + run), and the build alone (session cache's figure). */
  readonly ortFirst: number;
  readonly ortBuild: number;
  /**
   * max |R_tfjs − R_ort| / max |R_tfjs| on the last round (the two executors explain alike). ResNet-18
   * at 224×224 gives ≈ 1e-3 from a few pixels: residual sums that cancel to ≈ ε (the Add's norm split
   * divides by them) and stem max-pool windows whose top two values tie within an ulp (the winner
   * flips); tfjs on wasm against tfjs on cpu differs as much. Not batch-dependent.
   */
  readonly maxRelDiff: number;
}

async function secondsOf<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await fn();
  return [(performance.now() - t0) / 1000, value];
}

async function throughputOf(label: string, model: XaiModel, input: tf.Tensor, runs: number): Promise<ThroughputRow> {
  const batch = input.shape[0]!;
  const options = {}; // the default composite, arg-max targets
  const onTfjs = async () => {
    const e = lrp(model, input, options);
    await e.relevance.data();
    return e;
  };
  const onOrt = async () => {
    const e = await lrpOn(model, input, { ...options, executor: 'ort' });
    if (e.execution?.executor !== 'ort') throw new Error(`the bench expected ORT to run ${label}: ${e.execution?.fallback}`);
    return e;
  };
  const [ortFirst, first] = await secondsOf(onOrt);
  const provider = first.execution?.provider ?? '?';
  const ortBuild = (first.execution?.buildMs ?? 0) / 1000;
  first.dispose();
  (await onTfjs()).dispose(); // warm-up
  const rows: { tfjs: number; ort: number }[] = [];
  let maxRelDiff = 0;
  for (let r = 0; r < runs; r++) {
    const [ort, b] = await secondsOf(onOrt);
    const [tfjs, a] = await secondsOf(onTfjs);
    rows.push({ tfjs, ort });
    if (r === runs - 1) maxRelDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(a.relevance, b.relevance))).dataSync()[0]! / tf.max(tf.abs(a.relevance)).dataSync()[0]!);
    a.dispose();
    b.dispose();
    console.log(`round ${r + 1}/${runs}: ${label} batch ${batch}: tfjs ${tfjs.toFixed(3)} s (${(batch / tfjs).toFixed(1)}/s), ORT ${ort.toFixed(3)} s (${(batch / ort).toFixed(1)}/s)`);
  }
  const row = {
    model: label, batch, provider, ortFirst, ortBuild, maxRelDiff,
    tfjsPerSecond: batch / median(rows.map((x) => x.tfjs)),
    ortPerSecond: batch / median(rows.map((x) => x.ort)),
  };
  console.log(
    `${label}: ${row.tfjsPerSecond.toFixed(1)} explanations/s on tfjs, ${row.ortPerSecond.toFixed(1)}/s on ORT (${provider}) — ${(row.ortPerSecond / row.tfjsPerSecond).toFixed(2)}×; ` +
      `ORT first call ${ortFirst.toFixed(2)} s (build ${ortBuild.toFixed(2)} s); max relative difference ${maxRelDiff.toExponential(1)}`,
  );
  return row;
}

/** Both models at `batch` (default 16), `runs` rounds each. */
export async function benchThroughput(runs: number, batch = 16): Promise<ThroughputRow[]> {
  const uniform = mulberry32(16);
  const rows: ThroughputRow[] = [];

  console.log(`\nthroughput: LRP (default composite) at batch ${batch}, tfjs vs ORT, ${runs} rounds after a warm-up`);
  const demo = await loadModel(DEMO_MODEL);
  const demoInput = tf.tensor(Float32Array.from({ length: batch * 32 * 32 * 3 }, () => uniform()), [batch, 32, 32, 3]);
  try {
    rows.push(await throughputOf('demo CNN 32×32', demo, demoInput, runs));
  } finally {
    demo.dispose();
    demoInput.dispose();
  }

  const resnet = await loadModel(resnet18Onnx({ seed: 18 }), { label: 'resnet18.onnx' });
  const resnetInput = tf.tensor(Float32Array.from({ length: batch * 3 * 224 * 224 }, () => 4 * uniform() - 2), [batch, 3, 224, 224]);
  try {
    rows.push(await throughputOf('ResNet-18 224×224', resnet, resnetInput, runs));
  } finally {
    resnet.dispose();
    resnetInput.dispose();
    await stopWorkers();
  }
  return rows;
}

/** The summary lines of `npm run bench`. */
export function throughputSummary(rows: readonly ThroughputRow[]): string[] {
  return rows.map(
    (r) =>
      `  ${r.model.padEnd(18)} batch ${r.batch}, LRP (default composite): tfjs ${r.tfjsPerSecond.toFixed(1)} explanations/s · ORT (${r.provider}) ${r.ortPerSecond.toFixed(1)}/s ` +
      `(${(r.ortPerSecond / r.tfjsPerSecond).toFixed(2)}×) · ORT first call ${r.ortFirst.toFixed(2)} s, of which build ${r.ortBuild.toFixed(2)} s`,
  );
}
