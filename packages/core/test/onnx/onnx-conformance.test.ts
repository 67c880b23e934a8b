/**
 * ONNX conformance (shared/fixtures/README.md, `onnx/`): every method of the PyTorch-exported cases
 * (gradient-based, occlusion, LRP rules and composites, guided backprop, deconvnet, excitation
 * backprop) matches the reference numbers in the model's own channels-first layout.
 * `onnx_transformer` belongs to the transformers issue and is excluded with the runner's '!' syntax.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, runConformance, type ConformanceSummary } from '../../src/index.js';

const FIXTURES = fileURLToPath(new URL('../../../../../shared/fixtures/onnx', import.meta.url));

describe('ONNX conformance', () => {
  let summary: ConformanceSummary;

  beforeAll(async () => {
    expect(existsSync(FIXTURES), `ONNX fixtures missing at ${FIXTURES}`).toBe(true);
    await initBackend();
    summary = await runConformance(FIXTURES, { cases: '!onnx_transformer', log: () => undefined });
  });

  it('covers the five CNN/MLP cases and the three new method kinds', () => {
    expect(new Set(summary.lines.map((l) => l.caseName))).toEqual(new Set(['onnx_mlp', 'onnx_cnn_bn', 'onnx_resnet', 'onnx_conv1d', 'onnx_eegnet']));
    for (const kind of ['guided_backprop', 'deconvnet', 'excitation_backprop', 'occlusion']) expect(summary.lines.some((l) => l.method === kind)).toBe(true);
    expect(summary.lines.length).toBeGreaterThanOrEqual(80);
  });

  it('matches the reference numbers within the fixtures tolerance', () => {
    expect(summary.lines.filter((l) => !l.ok).map((l) => `${l.caseName} ${l.method} rel_err=${l.relErr} ${l.reason ?? ''}`)).toEqual([]);
  });
});
