/**
 * Conservation: on bias-free ReLU networks, Σ R(input) equals the explained logit for rules that
 * redistribute each output's relevance completely. Why each one holds (stab(z) = z + ε·sign(z)):
 *
 * - Every linear layer sends Σ_i R_in,i = Σ_j R_j · d_j / stab(d_j), where d_j is that rule's
 *   denominator and the summed contributions add up to d_j exactly because there is no bias:
 *   · epsilon: d = x·W (no bias), so Σ_i x_i W_ij = z_j. Loss per output R_j·ε/|z_j| with ε = 1e-9.
 *     For a live ReLU unit R_j = a_j·c_j with a_j = z_j, so the loss is ≈ ε·|c_j|: negligible. Dead units
 *     receive nothing (the next layer multiplies by their activation 0), so a zero z_j never drops relevance.
 *   · zplus: d = x⁺W⁺ + x⁻W⁻ (b⁺ = 0); with x ≥ 0 (network input chosen ≥ 0, hidden = ReLU outputs)
 *     every summand is ≥ 0. A unit with d_j = 0 has z_j ≤ 0, so it is dead and receives R_j = 0.
 *   · flat: d_j = fan-in count ≥ 1 (input-independent), loss ≤ 1e-6 relative per layer.
 *   · wsquare: d_j = Σ_i W_ij² > 0 (b² = 0), loss ≈ 1e-6/d_j relative per layer.
 * - ReLU (activation nodes) pass relevance unchanged; Flatten/Reshape rearrange it; MaxPooling routes
 *   each window's relevance to one input; Concatenate splits it: all conserve exactly.
 * - AveragePooling and Add give x ⊙ R / stab(z) with z the (positive-homogeneous) sum, ε = 1e-6: they
 *   conserve R_j·z_j/stab(z_j), i.e. they lose relevance only where z_j ≈ 0. For epsilon and zplus a
 *   window/sum of zeros is a dead region and carries no relevance. flat and wsquare put relevance on
 *   dead units too, so for them the models below keep the AveragePooling on the (positive) input image
 *   and let the Add have the positive input as one addend (sum > 0 everywhere). The second CNN, with
 *   AveragePooling after a ReLU, is only used for epsilon and zplus.
 * Inputs are drawn in [0.5, 1.5] (non-negative, as zplus needs) and the explained target is the
 * arg-max logit, checked to be clearly positive.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epsilon, flat, initBackend, lrp, wsquare, XaiModel, zplus, type LinearRule } from '../src/index.js';
import { expectRelClose, prod, rng, rows, sum, type Rng } from './helpers.js';

const BATCH = 3;

/**
 * He-uniform weights from the seeded PRNG (keeps activations O(1) with depth). Column 0 of the last
 * (Dense) layer is made positive: its input is a ReLU output (≥ 0), so logit 0 > 0 and the arg-max
 * logit is positive.
 */
function seedWeights(model: tf.LayersModel, r: Rng): void {
  const last = model.layers[model.layers.length - 1]!;
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    layer.setWeights(
      ws.map((w) => {
        const [fanIn, units] = [prod(w.shape.slice(0, -1)), w.shape[w.rank - 1]!];
        const a = Math.sqrt(6 / fanIn);
        const v = r.array(w.size, -a, a).map((x, i) => (layer === last && i % units === 0 ? Math.abs(x) : x));
        return tf.tensor(v, w.shape);
      }),
    );
  }
}

const nb = { useBias: false };

function denseStack(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [10], units: 16, activation: 'relu', ...nb }),
      tf.layers.dense({ units: 12, activation: 'relu', ...nb }),
      tf.layers.dense({ units: 8, activation: 'relu', ...nb }),
      tf.layers.dense({ units: 4, ...nb }),
    ],
  });
}

/** AveragePooling on the positive input, then Conv/ReLU/MaxPool/Conv/Flatten/Dense. */
function cnnPoolFirst(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.averagePooling2d({ inputShape: [13, 13, 2], poolSize: 3, strides: 2 }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', ...nb }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 6, kernelSize: 2, activation: 'relu', ...nb }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 8, activation: 'relu', ...nb }),
      tf.layers.dense({ units: 3, ...nb }),
    ],
  });
}

/** AveragePooling after a ReLU (dead windows possible). */
function cnnPoolAfterRelu(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [10, 10, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', ...nb }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', ...nb }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 1 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, ...nb }),
    ],
  });
}

/**
 * AveragePooling 'same' whose last windows hang over the border: TensorFlow (and tfjs' forward
 * kernel) divides such a window by the number of real elements, so z is still Σ x_i / count_j and
 * x ⊙ Jᵀ(R/z) must conserve. Fails while the engine's average-pooling transpose uses tfjs'
 * AvgPoolGrad kernel, which divides every window by the full pool size (see test/layers.test.ts).
 */
function avgPoolSamePartialWindows(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.averagePooling2d({ inputShape: [5, 5, 2], poolSize: 2, strides: 2, padding: 'same' }),
      tf.layers.conv2d({ filters: 3, kernelSize: 2, activation: 'relu', ...nb }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, ...nb }),
    ],
  });
}

/** in → Dense(relu) → Add([in, ·]) → Dense(relu) → Concatenate([sum, ·]) → Dense. */
function residualConcat(): tf.LayersModel {
  const inp = tf.input({ shape: [8] });
  const a = tf.layers.dense({ units: 8, activation: 'relu', ...nb }).apply(inp) as tf.SymbolicTensor;
  const s = tf.layers.add().apply([inp, a]) as tf.SymbolicTensor;
  const c = tf.layers.dense({ units: 6, activation: 'relu', ...nb }).apply(s) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate().apply([s, c]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 4, ...nb }).apply(cat) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: out });
}

const ALL_RULES: [string, () => LinearRule][] = [
  ['flat', () => flat()],
  ['wsquare', () => wsquare()],
  ['zplus', () => zplus()],
  ['epsilon(1e-9)', () => epsilon(1e-9)],
];

const CASES: { name: string; build: () => tf.LayersModel; rules: [string, () => LinearRule][]; inputScale?: number }[] = [
  { name: 'Dense stack', build: denseStack, rules: ALL_RULES },
  { name: 'CNN (AveragePooling on the input)', build: cnnPoolFirst, rules: ALL_RULES },
  { name: 'CNN (AveragePooling after ReLU)', build: cnnPoolAfterRelu, rules: ALL_RULES.filter(([n]) => n === 'zplus' || n.startsWith('epsilon')) },
  { name: 'functional model with Add skip and Concatenate', build: residualConcat, rules: ALL_RULES },
  // Small weights here: inputs ×10 keep every denominator ≫ the 1e-6 stabiliser, whose share is lost.
  { name: "AveragePooling2D 'same' with partial border windows", build: avgPoolSamePartialWindows, rules: ALL_RULES, inputScale: 10 },
];

beforeAll(async () => {
  await initBackend();
});

CASES.forEach((c, k) => {
  describe(c.name, () => {
    let model: XaiModel;
    let x: tf.Tensor;
    let logits: number[][];
    let targets: number[];

    beforeAll(() => {
      const r = rng(77 + k);
      const lm = c.build();
      seedWeights(lm, r);
      const shape = lm.inputs[0]!.shape.slice(1) as number[];
      const scale = c.inputScale ?? 1;
      x = tf.tensor(r.array(BATCH * prod(shape), 0.5 * scale, 1.5 * scale), [BATCH, ...shape]);
      logits = rows((lm.predict(x) as tf.Tensor).dataSync(), BATCH);
      targets = logits.map((l) => l.indexOf(Math.max(...l)));
      model = XaiModel.fromLayersModel(lm);
    });
    afterAll(() => {
      model.dispose();
      x.dispose();
    });

    it('explains a clearly positive logit', () => {
      logits.forEach((l, b) => {
        const t = l[targets[b]!]!;
        expect(t).toBeGreaterThan(0.05 * Math.max(...l.map(Math.abs)));
        expect(t).toBeGreaterThan(1e-2);
      });
    });

    for (const [label, make] of c.rules) {
      it(`${label}: Σ R = explained logit (1e-5 relative)`, () => {
        const e = lrp(model, x, { rule: make(), target: targets });
        const R = rows(e.relevance.dataSync(), BATCH);
        const l = rows(e.logits.dataSync(), BATCH);
        e.dispose();
        R.forEach((rb, b) => {
          const logit = l[b]![targets[b]!]!;
          expectRelClose(logit, logits[b]![targets[b]!]!, 1e-5, `logit, sample ${b}`);
          expect(rb.every(Number.isFinite)).toBe(true);
          expectRelClose(sum(rb), logit, 1e-5, `${label} Σ R, sample ${b}`);
        });
      });
    }
  });
});
