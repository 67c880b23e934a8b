import { InvalidArgumentError, type ObjectSchema } from '@xai/core';
import { evaluateRows } from '../data/evaluate-rows.js';
import type { MetricDefinition } from '../registry/metric.js';

/**
 * Conservation / completeness residual, per sample: Σ_i R_i − (f(x) − f_ref), a signed number —
 * not the pass/fail flag of Quantus's Completeness. With f_ref = 0 it is LRP's conservation
 * (Bach et al. 2015, "On pixel-wise explanations for non-linear classifier decisions by layer-wise
 * relevance propagation", PLOS ONE 10(7); Montavon et al. 2018: Σ_p R_p = f(x)); with
 * f_ref = f(x̄) of a baseline it is the completeness of integrated gradients (Sundararajan, Taly &
 * Yan 2017, "Axiomatic attribution for deep networks", ICML).
 *
 * `relevance` holds `outputs.length` samples; `outputs` is the explained logit f(x) per sample and
 * `reference` the baseline's, if any.
 */
export function conservationResidual(relevance: ArrayLike<number>, outputs: readonly number[], reference?: readonly number[]): number[] {
  const count = outputs.length;
  const size = relevance.length / count;
  if (!Number.isInteger(size)) throw new InvalidArgumentError(`relevance has ${relevance.length} values for ${count} outputs`);
  if (reference && reference.length !== count) throw new InvalidArgumentError(`got ${reference.length} reference outputs for ${count} samples`);
  return outputs.map((f, i) => {
    let sum = 0;
    for (let k = 0; k < size; k++) sum += relevance[i * size + k]!;
    return sum - (f - (reference?.[i] ?? 0));
  });
}

const OPTIONS: ObjectSchema = {
  type: 'object',
  properties: {
    reference: {
      type: 'string',
      enum: ['none', 'zero'],
      default: 'none',
      description: "'none': Σ R − f(x) (LRP); 'zero': Σ R − (f(x) − f(0)) (integrated gradients with a zero baseline)",
    },
  },
};

export const conservationMetric: MetricDefinition = {
  name: 'conservation',
  category: 'axioms',
  description: '|Σ R − (f(x) − f_ref)|: how far the relevance is from summing to the explained output (lower is better; details keep the sign)',
  reference: 'Bach et al. 2015, PLOS ONE 10(7) e0130140; Sundararajan, Taly & Yan 2017, ICML',
  direction: 'lower',
  requires: [],
  options: OPTIONS,
  async run(ctx, o) {
    const size = ctx.inputs.length / ctx.count;
    const outputs = new Array<number>(ctx.count).fill(NaN);
    const reference = o.reference === 'zero' ? new Array<number>(ctx.count).fill(NaN) : undefined;
    const rows = reference ? 2 * ctx.count : ctx.count;
    await evaluateRows(ctx.predict, {
      rows,
      rowSize: size,
      target: (r) => ctx.targets[r % ctx.count]!,
      fill(r, into) {
        if (r < ctx.count) into.set(ctx.inputs.subarray(r * size, (r + 1) * size));
        else into.fill(0);
      },
      read(r, logits, offset) {
        const i = r % ctx.count;
        (r < ctx.count ? outputs : reference!)[i] = logits[offset + ctx.targets[i]!]!;
      },
    }, { batchSize: ctx.batchSize, signal: ctx.signal });
    const signed = conservationResidual(ctx.relevance, outputs, reference);
    return { scores: signed.map(Math.abs), details: { residual: signed, output: outputs } };
  },
};
