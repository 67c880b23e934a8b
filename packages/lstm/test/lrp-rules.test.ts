/**
 * The recurrent LRP rules: checked against an independent plain-array float64 implementation
 * (test/reference-rnn.ts), for conservation with biasFactor 1 (Σ R(tokens) + R(initial states) =
 * the explained logit), and for the effect of their options.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { epsilon, explain as explainWith, initBackend, lrp, type XaiModel } from '@xai/core';
import { recurrentComposite, recurrentRule, type InitialStateReport, type RecurrentRuleOptions } from '../src/index.js';
import { explainable, expectClose, seededInput, seededTokens, seedWeights, sum } from './helpers.js';
import { forwardRef, hardSigmoid, lrpRef, sigmoid, type Kind, type Mat, type RefWeights } from './reference-rnn.js';

const FACTORY = { LSTM: 'lstm', GRU: 'gru', SimpleRNN: 'simpleRNN' } as const;
const recurrent = (kind: Kind, args: Record<string, unknown>) => (tf.layers[FACTORY[kind]] as (a: object) => tf.layers.Layer)(args);

function seq(layers: tf.layers.Layer[], seed: number): tf.Sequential {
  const m = tf.sequential();
  layers.forEach((l) => m.add(l));
  seedWeights(m, seed);
  return m;
}

/** Runs LRP with recurrent rule options, collecting the initial-state reports (summed per sample). */
function explain(xm: XaiModel, x: tf.Tensor, target: number, options: RecurrentRuleOptions, denseRule = epsilon(0)) {
  const reports: InitialStateReport[] = [];
  const e = lrp(xm, x, { target, composite: recurrentComposite(denseRule, { ...options, onInitialState: (r) => reports.push(r) }) });
  const batch = x.shape[0]!;
  const initial = Array.from({ length: batch }, (_, b) => sum(reports.map((r) => r.relevance[b]!)));
  return { e, initial, reports };
}

function refWeights(layer: tf.layers.Layer): RefWeights {
  const [W, U, b] = layer.getWeights().map((w) => w.arraySync());
  return { W: W as Mat, U: U as Mat, b: (b as number[] | undefined) ?? null };
}

describe('recurrent LRP rules', () => {
  beforeAll(async () => {
    await initBackend();
  });

  describe('match an independent plain-array implementation', () => {
    const x = () => seededInput([2, 6, 3], 31, -1.5, 1.5);
    const cases: [Kind, string, boolean][] = [];
    for (const kind of ['LSTM', 'GRU', 'SimpleRNN'] as Kind[]) for (const goBackwards of [false, true]) cases.push([kind, kind === 'SimpleRNN' ? 'tanh' : goBackwards ? 'hardSigmoid' : 'sigmoid', goBackwards]);
    const rules: [string, { eps: number; biasFactor: 0 | 1 }][] = [['ε 0.001, biasFactor 0', { eps: 1e-3, biasFactor: 0 }], ['ε 0.01, biasFactor 1', { eps: 1e-2, biasFactor: 1 }]];

    for (const [kind, rec, goBackwards] of cases) {
      for (const [ruleName, rule] of rules) {
        it(`${kind} (recurrent activation ${rec}, goBackwards ${goBackwards}), ${ruleName}`, () => {
          const layerArgs = { units: 4, inputShape: [6, 3], goBackwards, ...(kind === 'SimpleRNN' ? {} : { recurrentActivation: rec }) };
          const model = seq([recurrent(kind, layerArgs)], 41);
          const w = refWeights(model.layers[0]!);
          const input = x();
          const xm = explainable(model);
          const target = 1;
          const { e, initial } = explain(xm, input, target, { epsilon: rule.eps, biasFactor: rule.biasFactor });
          const rows = input.arraySync() as number[][][];
          const expected: number[] = [];
          rows.forEach((sample, b) => {
            const xs = goBackwards ? [...sample].reverse() : sample;
            const steps = forwardRef(kind, xs, w, Math.tanh, rec === 'sigmoid' ? sigmoid : hardSigmoid);
            const last = steps[steps.length - 1]!.h;
            const rh = steps.map((_, t) => last.map((v, j) => (t === steps.length - 1 && j === target ? v : 0)));
            const { rx, initial: init } = lrpRef(kind, xs, w, steps, rh, rule);
            expected.push(...(goBackwards ? [...rx].reverse() : rx).flat());
            expect(initial[b]!).toBeCloseTo(init, 5);
            // In float64 the rule with biasFactor 1 conserves exactly: Σ R(x) + R(initial state) = the logit.
            if (rule.biasFactor === 1) expect(Math.abs(sum(rx.flat()) + init - last[target]!)).toBeLessThan(1e-12 + 1e-9 * Math.abs(last[target]!));
          });
          expectClose(e.relevance.dataSync(), expected, 1e-4, 1e-7, `${kind} ${ruleName}`);
          e.dispose();
          xm.dispose();
          input.dispose();
        });
      }
    }

    it('returnSequences: the relevance of every step output enters the recurrence', () => {
      const model = seq([tf.layers.gru({ units: 3, inputShape: [5, 2], returnSequences: true, recurrentActivation: 'sigmoid' }), tf.layers.flatten(), tf.layers.dense({ units: 2, useBias: false })], 43);
      const w = refWeights(model.layers[0]!);
      const dense = model.layers[2]!.getWeights()[0]!.arraySync() as Mat;
      const input = seededInput([2, 5, 2], 44);
      const xm = explainable(model);
      const target = 0;
      const { e } = explain(xm, input, target, { epsilon: 1e-3 }, epsilon(1e-3));
      const expected: number[] = [];
      for (const sample of input.arraySync() as number[][][]) {
        const steps = forwardRef('GRU', sample, w, Math.tanh, sigmoid);
        const flat = steps.flatMap((s) => s.h);
        const z = flat.reduce((acc, v, i) => acc + v * dense[i]![target]!, 0);
        const s = z / (z + 1e-3 * (z >= 0 ? 1 : -1));
        const rh = steps.map((st, t) => st.h.map((v, j) => v * dense[t * 3 + j]![target]! * s));
        expected.push(...lrpRef('GRU', sample, w, steps, rh, { eps: 1e-3, biasFactor: 0 }).rx.flat());
      }
      expectClose(e.relevance.dataSync(), expected, 1e-4, 1e-7, 'returnSequences');
      e.dispose();
      xm.dispose();
    });
  });

  describe('biasFactor 1 conserves relevance', () => {
    const ids = () => tf.concat([seededTokens(2, 7, 15, 51), seededTokens(1, 7, 15, 52, [3])]);

    /**
     * Σ R(tokens) + Σ R(initial states) = logit[target] per sample (to float32 round-off: 2e-5
     * relative; the sums cancel, measured up to 7e-6), and R has the token ids' shape.
     */
    function expectConserved(model: tf.LayersModel, label: string, masked = false, input = ids()): void {
      const xm = explainable(model);
      const target = 2;
      const { e, initial, reports } = explain(xm, input, target, { biasFactor: 1, epsilon: 1e-3 });
      expect(e.relevance.shape, `${label} shape`).toEqual(input.shape);
      expect(reports.length).toBeGreaterThan(0);
      const r = e.relevance.arraySync() as number[][];
      const logits = e.logits.arraySync() as number[][];
      r.forEach((row, b) => {
        const total = sum(row) + initial[b]!;
        const logit = logits[b]![target]!;
        expect(Math.abs(total - logit), `${label} sample ${b}: Σ R = ${total}, logit ${logit}`).toBeLessThanOrEqual(2e-5 * Math.abs(logit) + 1e-7);
      });
      // Masked (padding) tokens get nothing; unmasked ones do.
      const padded = (input.arraySync() as number[][]).flatMap((row, b) => row.map((v, t) => (v === 0 ? r[b]![t]! : 0)));
      expect(padded.some((v) => v !== 0), `${label}: relevance on padding`).toBe(!masked);
      e.dispose();
      xm.dispose();
    }

    const embedding = (maskZero = false) => tf.layers.embedding({ inputDim: 15, outputDim: 4, inputLength: 7, maskZero });

    for (const kind of ['LSTM', 'GRU', 'SimpleRNN'] as Kind[]) {
      it(`${kind} with biases (Embedding → ${kind} → Dense)`, () => {
        expectConserved(seq([embedding(), recurrent(kind, { units: 5 }), tf.layers.dense({ units: 3, useBias: false })], 53), kind);
      });
    }

    it('stacked returnSequences layers with masking (LSTM → GRU goBackwards → SimpleRNN → Flatten → Dense)', () => {
      const model = seq(
        [
          embedding(true),
          tf.layers.lstm({ units: 4, returnSequences: true }),
          tf.layers.gru({ units: 4, returnSequences: true, goBackwards: true }),
          tf.layers.simpleRNN({ units: 3, returnSequences: true }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, useBias: false }),
        ],
        54,
      );
      expectConserved(model, 'stacked', true);
    });

    for (const mergeMode of ['concat', 'sum', 'ave'] as const) {
      it(`Bidirectional ${mergeMode} (returnSequences), then Bidirectional LSTM`, () => {
        const model = seq(
          [
            embedding(true),
            tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, returnSequences: true }) as never, mergeMode }),
            tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3 }) as never, mergeMode }),
            tf.layers.dense({ units: 3, useBias: false }),
          ],
          55,
        );
        expectConserved(model, `bidirectional ${mergeMode}`, true);
      });
    }

    it('TimeDistributed(Dense without bias) between recurrent layers', () => {
      const model = seq(
        [embedding(), tf.layers.lstm({ units: 4, returnSequences: true }), tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, useBias: false }) }), tf.layers.gru({ units: 3 }), tf.layers.dense({ units: 3, useBias: false })],
        56,
      );
      expectConserved(model, 'time distributed');
    });
  });

  describe('options', () => {
    let model: XaiModel;
    let tokens: tf.Tensor;
    const run = (options: RecurrentRuleOptions) => {
      const { e, initial } = explain(model, tokens, 0, options, epsilon(0));
      const r = Array.from(e.relevance.dataSync());
      const logit = (e.logits.arraySync() as number[][])[0]![0]!;
      e.dispose();
      return { r, initial: initial[0]!, logit };
    };
    beforeAll(() => {
      model = explainable(seq([tf.layers.embedding({ inputDim: 15, outputDim: 4, inputLength: 7 }), tf.layers.lstm({ units: 5, name: 'rnn' }), tf.layers.dense({ units: 2, useBias: false })], 61));
      tokens = seededTokens(1, 7, 15, 62);
    });

    it('biasFactor 0 (default) absorbs bias and stabiliser shares: nothing reaches the zero initial state', () => {
      const absorbed = run({});
      const conserved = run({ biasFactor: 1 });
      expect(absorbed.initial).toBe(0);
      expect(conserved.initial).not.toBe(0);
      expect(Math.abs(sum(absorbed.r) - absorbed.logit)).toBeGreaterThan(1e-3 * Math.abs(absorbed.logit));
      expect(Math.abs(sum(conserved.r) + conserved.initial - conserved.logit)).toBeLessThan(1e-5 * Math.abs(conserved.logit) + 1e-7);
    });

    it('ε and per-layer options change the result; the default ε is 0.001', () => {
      const base = run({});
      expect(run({ epsilon: 1e-3 }).r).toEqual(base.r);
      const wide = run({ epsilon: 0.5 });
      expect(Math.max(...wide.r.map((v, i) => Math.abs(v - base.r[i]!)))).toBeGreaterThan(1e-4);
      expect(run({ layers: { rnn: { epsilon: 0.5 } } }).r).toEqual(wide.r);
      expect(run({ epsilon: 0.5, layers: { rnn: { epsilon: 1e-3 } } }).r).toEqual(base.r);
    });

    it('lives in the explanation: two explanations with different recurrent rules run at the same time', async () => {
      const narrow = recurrentComposite(epsilon(0), { epsilon: 1e-3 });
      const wide = recurrentComposite(epsilon(0), { epsilon: 0.5 });
      const alone = [narrow, wide].map((composite) => {
        const e = lrp(model, tokens, { target: 0, composite });
        const r = Array.from(e.relevance.dataSync());
        e.dispose();
        return r;
      });
      // SmoothGrad with σ = 0 reproduces its base; its batches interleave the two explanations.
      const request = (composite: typeof narrow) =>
        explainWith(model, tokens, { method: 'smoothgrad', base: 'lrp', baseOptions: { composite }, noiseLevel: 0, samples: 4, batchSize: 1, target: 0 });
      const both = await Promise.all([request(narrow), request(wide)]);
      both.forEach((e, i) => {
        const r = Array.from(e.relevance.dataSync());
        r.forEach((v, k) => expect(v).toBeCloseTo(alone[i]![k]!, 5));
        e.dispose();
      });
      expect(Math.max(...alone[0]!.map((v, k) => Math.abs(v - alone[1]![k]!)))).toBeGreaterThan(1e-4);
    });

    it('rejects invalid options by name', () => {
      expect(() => recurrentRule({ biasFactor: 2 as 0 })).toThrow(/biasFactor must be 0 or 1/);
      expect(() => recurrentRule({ epsilon: -1 })).toThrow(/epsilon must be/);
      expect(() => recurrentRule({ layers: { rnn: { epsilon: Number.NaN } } })).toThrow(/layer 'rnn'/);
    });
  });
});
