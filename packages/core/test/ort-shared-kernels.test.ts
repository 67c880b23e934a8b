/**
 * Large dense kernels are read by ORT in place from the tfjs tensors' memory (graph inputs fed on
 * every run) instead of a second copy in the compiled model: which kernels are shared, that results
 * equal tfjs's, that a wasm heap growing between making the views and the run (which detaches them)
 * is retried, and that a disposed kernel gives a clear error.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainedTensor, initBackend, lrp, lrpOn, XaiModel } from '../src/index.js';
import { compositeByName, ruleMap } from '../src/composites/index.js';
import { planExplanation } from '../src/executors/ort/compile-explanation.js';
import { loadOrt } from '../src/executors/ort/load-ort.js';
import { compiledSession, runCompiled, type CompiledSession } from '../src/executors/ort/session-cache.js';
import { expectSameOnBothExecutors } from './executor-comparison.js';

/** 512 → 1024 (a 2 MiB kernel: shared) → 10 (40 KiB: stays an initializer). */
function denseModel(): XaiModel {
  const seeded = (s: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: s }), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: s + 100 }) });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [512], units: 1024, activation: 'relu', ...seeded(1) }),
      tf.layers.dense({ units: 10, ...seeded(2) }),
    ],
  });
  return XaiModel.fromLayersModel(model, { workers: false });
}

let model: XaiModel;
let x: tf.Tensor;

function plan() {
  const rules = ruleMap(model.graph, compositeByName('epsilon_plus'));
  return planExplanation({ graph: model.graph, inputShapes: [x.shape], from: explainedTensor(model.graph, 0), ruleFor: (n) => rules.get(n)!, seed: 'logit' });
}

function feeds(ort: typeof import('onnxruntime-node')) {
  return {
    input_0: new ort.Tensor('float32', Float32Array.from(x.dataSync()), [...x.shape]),
    targets: new ort.Tensor('int64', BigInt64Array.of(-1n, -1n), [2]),
  };
}

beforeAll(async () => {
  await initBackend();
  model = denseModel();
  x = tf.randomUniform([2, 512], 0, 1, 'float32', 3);
});

afterAll(() => {
  model.dispose();
  x.dispose();
});

describe('kernels shared with tfjs', () => {
  it('saves the 2 MiB kernel as a graph input, not in weights.bin; the small one stays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xai-shared-'));
    try {
      const shared = plan().save(dir, { shareKernels: true });
      expect(shared.shared.map((k) => k.dims)).toEqual([[512, 1024]]);
      expect(shared.shared[0]!.source).toBe(model.graph.nodes.find((n) => n.linearOp()?.kernel.shape[1] === 1024)!.linearOp()!.kernel);
      const sharedBytes = statSync(join(dir, 'weights.bin')).size;
      const copied = plan().save(dir, {});
      expect(copied.shared).toEqual([]);
      expect(statSync(join(dir, 'weights.bin')).size - sharedBytes).toBeGreaterThanOrEqual(512 * 1024 * 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains as tfjs does with the shared kernel', async () => {
    const notices: string[] = [];
    const a = lrp(model, x, { composite: 'epsilon_plus' });
    const b = await lrpOn(model, x, { composite: 'epsilon_plus', executor: 'ort', onNotice: (l) => notices.push(l) });
    try {
      expectSameOnBothExecutors(a, b, notices, 1e-5);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('retries a run whose kernel views a growing wasm heap detached, with the same result', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const ort = await loadOrt();
    const p = plan();
    const compiled = await compiledSession(ort, model.graph, p.key, p);
    expect(compiled.shared).toHaveLength(1);
    const reference = await runCompiled(ort, compiled, feeds(ort));
    // The real session, its runs counted.
    let runs = 0;
    const counted: CompiledSession = { ...compiled, session: { run: (f: never) => (runs++, compiled.session.run(f)) } as unknown as CompiledSession['session'] };
    const heapBytes = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.byteLength;
    const running = runCompiled(ort, counted, feeds(ort));
    // Runs start on the next turn of the event loop: more than the heap holds grows it first.
    const grown = tf.zeros([heapBytes / 4 + 1]);
    try {
      const out = await running;
      expect(runs).toBe(2);
      for (const name of compiled.session.outputNames) expect(Array.from(out[name]!.data as Float32Array)).toEqual(Array.from(reference[name]!.data as Float32Array));
    } finally {
      grown.dispose();
    }
  });

  it('names a disposed kernel instead of reading freed memory', async () => {
    const ort = await loadOrt();
    const p = plan();
    const compiled = await compiledSession(ort, model.graph, p.key, p);
    // A session whose kernel source was disposed (as if the model had been disposed under it).
    const gone = tf.clone(compiled.shared[0]!.source);
    gone.dispose();
    const orphan: CompiledSession = { ...compiled, shared: [{ ...compiled.shared[0]!, source: gone }] };
    await expect(runCompiled(ort, orphan, feeds(ort))).rejects.toThrow(/model kernel the compiled ORT session reads as '.+' is disposed/);
  });
});
