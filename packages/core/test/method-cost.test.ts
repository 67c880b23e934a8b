/** Each method's declared cost: forward passes and batch copies per explained sample, from its options. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, listMethods, methodCost } from '../src/index.js';

const image = [32, 32, 3];

describe('methodCost', () => {
  it('counts integrated-gradients steps and the batch they run in', () => {
    expect(methodCost('integrated_gradients', {}, image)).toMatchObject({ passes: 20, batch: 20, passesOption: 'steps', batchOption: 'batchSize' });
    expect(methodCost('integrated_gradients', { steps: 1_000_000_000 }, image)).toMatchObject({ passes: 1_000_000_000, batch: 32 });
    expect(methodCost('integrated_gradients', { steps: 20000, batchSize: 20000 }, image).batch).toBe(20000);
  });

  it('multiplies SmoothGrad samples by the cost of the wrapped method', () => {
    expect(methodCost('smoothgrad', { samples: 50, batchSize: 10 }, image)).toMatchObject({ passes: 50, batch: 10 });
    const wrapped = methodCost('smoothgrad', { samples: 10, batchSize: 4, base: 'integrated_gradients', baseOptions: { steps: 30, batchSize: 8 } }, image);
    expect(wrapped).toMatchObject({ passes: 300, batch: 32 });
    expect(wrapped.passesOption).toContain('samples');
  });

  it('counts occlusion windows from the sample shape, window and stride', () => {
    // 32×32 by default: 2×2 windows at stride 2 (sized to the input), 16 × 16 of them, plus the unoccluded pass
    expect(methodCost('occlusion', {}, image)).toMatchObject({ passes: 16 * 16 + 1, batch: 64 });
    // a window given: stride 1, as always — 31 × 31 windows
    expect(methodCost('occlusion', { window: 2 }, image)).toMatchObject({ passes: 31 * 31 + 1, batch: 64 });
    expect(methodCost('occlusion', { window: 8, stride: [8, 4] }, image).passes).toBe(4 * 7 + 1);
    expect(methodCost('occlusion', { window: 4 }, [100, 2]).passes).toBe(97 + 1);
  });

  it('counts LIME samples and meaningful-perturbation steps', () => {
    expect(methodCost('lime', { samples: 1000, batchSize: 50 }, image)).toMatchObject({ passes: 1000, batch: 50, passesOption: 'samples' });
    expect(methodCost('meaningful_perturbation', { steps: 10 }, image)).toMatchObject({ passes: 10, passesOption: 'steps' });
  });

  it('gives one pass of batch 1 for single-pass methods, and checks options', () => {
    for (const m of listMethods()) expect(methodCost(m.name, {}, image).passes, m.name).toBeGreaterThanOrEqual(1);
    expect(methodCost('lrp', {}, image)).toEqual({ passes: 1, batch: 1 });
    expect(() => methodCost('integrated_gradients', { steps: 0 }, image)).toThrow(InvalidArgumentError);
  });
});
