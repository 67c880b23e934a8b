/** Small timing helpers shared by the benches. */
import type { OrtBench } from './ort.js';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall-clock seconds of one call. */
export function seconds(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

/** `--name N` from the command line, else `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** One bench's medians, for the summary printed at the end of `npm run bench`. */
export interface BenchSummary {
  readonly model: string;
  /** Median seconds of the reference forward pass (tfjs `model.predict`, or the engine's forward for ONNX). */
  readonly forward: number;
  readonly forwardLabel: string;
  readonly lrpSingle: number;
  readonly lrpWorker: number;
  /** Median of the per-round ratios LRP / forward. */
  readonly ratioSingle: number;
  readonly ratioWorker: number;
  /** The same explanation on the 'ort' executor (bench/ort.ts). */
  readonly ort?: OrtBench;
}
