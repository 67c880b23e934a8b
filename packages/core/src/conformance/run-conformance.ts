import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, type LoadOptions, type XaiModel } from '../model.js';
import type { ExecutorName } from '../engine/executor-choice.js';
import { globFilter } from './glob.js';
import { computeReferenceMethod } from './methods.js';
import { compareRelevance, readReferenceCase } from './reference-case.js';

export interface ConformanceOptions {
  /** Comma-separated globs over case folder names. */
  readonly cases?: string;
  /** Comma-separated globs over method names. */
  readonly methods?: string;
  readonly log?: (line: string) => void;
  /** BatchNorm merging; default 'zennit', the implementation the reference numbers come from. */
  readonly canonize?: LoadOptions['canonize'];
  /** Run the methods on this executor ('ort': what it cannot compile runs on tfjs and is counted as a fallback). */
  readonly executor?: ExecutorName;
}

export interface ConformanceLine {
  readonly caseName: string;
  readonly method: string;
  readonly ok: boolean;
  readonly relErr: number;
  readonly reason?: string;
  /** Under --executor ort: 'ort/<provider>', or 'tfjs' with the fallback's reason. */
  readonly ranOn?: string;
  readonly fallback?: string;
}

export interface ConformanceSummary {
  readonly lines: ConformanceLine[];
  readonly passed: number;
  readonly failed: number;
  /** Lines that ran on tfjs although 'ort' was asked for. */
  readonly fallbacks: number;
}

const format = (l: ConformanceLine) =>
  `${l.caseName} ${l.method} ${l.ok ? 'ok' : 'FAIL'} rel_err=${Number.isFinite(l.relErr) ? l.relErr.toExponential(2) : 'n/a'}${l.reason ? ` (${l.reason})` : ''}${l.ranOn ? ` [${l.ranOn}${l.fallback ? `: fallback, ${l.fallback}` : ''}]` : ''}`;

/** Checks the engine against every reference case folder in `dir` (see shared/fixtures/README.md). */
export async function runConformance(dir: string, options: ConformanceOptions = {}): Promise<ConformanceSummary> {
  const log = options.log ?? console.log;
  const wantCase = globFilter(options.cases);
  const wantMethod = globFilter(options.methods);
  const names = (await readdir(dir)).sort();
  const lines: ConformanceLine[] = [];
  const emit = (line: ConformanceLine) => {
    lines.push(line);
    log(format(line));
  };
  for (const name of names) {
    const caseDir = join(dir, name);
    if (!wantCase(name) || !(await stat(caseDir)).isDirectory()) continue;
    const ref = await readReferenceCase(caseDir, name);
    const methods = Object.keys(ref.methods).filter(wantMethod);
    if (methods.length === 0) continue;
    // LRP references come from zennit (its BatchNorm merge, see BatchNormMerge); the others from
    // autograd on the original model.
    const models = new Map<LoadOptions['canonize'], Promise<XaiModel>>();
    const modelFor = (kind: string) => {
      const canonize = kind === 'lrp' ? options.canonize ?? 'zennit' : 'exact';
      if (!models.has(canonize)) models.set(canonize, loadModel(caseDir, { canonize }));
      return models.get(canonize)!;
    };
    // Token ids (int64 in the file) go in as int32, as the model declares.
    const inputs = new Map<string, tf.Tensor>();
    const inputFor = (model: XaiModel) => {
      const dtype = model.inputDtypes[0] ?? 'float32';
      if (!inputs.has(dtype)) inputs.set(dtype, tf.tensor(ref.input, [1, ...ref.input_shape], dtype));
      return inputs.get(dtype)!;
    };
    try {
      for (const m of methods) {
        try {
          const model = await modelFor(ref.methods[m]!.params.kind);
          const relevance = await computeReferenceMethod(model, inputFor(model), ref.target, ref.methods[m]!, { executor: options.executor, onNotice: () => undefined });
          const cmp = compareRelevance(relevance.values, ref.methods[m]!.relevance);
          emit({ caseName: name, method: m, ok: cmp.ok, relErr: cmp.relErr, reason: cmp.relErr === Infinity ? 'shape differs' : relevance.note, ranOn: relevance.ranOn, fallback: relevance.fallback });
        } catch (err) {
          emit({ caseName: name, method: m, ok: false, relErr: NaN, reason: (err as Error).message });
        }
      }
    } finally {
      for (const t of inputs.values()) t.dispose();
      for (const model of models.values()) await model.then((m) => m.dispose(), () => undefined);
    }
  }
  const passed = lines.filter((l) => l.ok).length;
  const fallbacks = lines.filter((l) => l.ranOn === 'tfjs').length;
  const summary = { lines, passed, failed: lines.length - passed, fallbacks };
  log(`${summary.passed} passed, ${summary.failed} failed${options.executor === 'ort' ? `; ${lines.length - fallbacks} ran on ort, ${fallbacks} fell back to tfjs` : ''}`);
  return summary;
}
