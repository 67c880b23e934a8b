/**
 * Checks shared by every package's ORT tests: an explanation on the 'ort' executor against the same
 * one on 'tfjs'. Tensors agree when max |a − b| ≤ rel · max |a| + 1e-7 (float32 sums in another
 * order); an all-zero reference fails, so a comparison of two empty results cannot pass.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { Explanation } from '../src/index.js';

export function expectCloseTensors(a: tf.Tensor, b: tf.Tensor, what: string, rel: number): void {
  expect(b.shape, what).toEqual(a.shape);
  const [diff, scale] = tf.tidy(() => [tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!, tf.max(tf.abs(a)).dataSync()[0]!]);
  expect(scale, `${what}: all zero`).toBeGreaterThan(0);
  expect(diff, what).toBeLessThanOrEqual(rel * scale + 1e-7);
}

/** `ort` ran without a notice and gives `tfjs`'s targets, logits and every input's relevance. */
export function expectSameOnBothExecutors(tfjs: Explanation, ort: Explanation, notices: readonly string[], rel: number): void {
  expect(notices).toEqual([]);
  expect(ort.execution?.executor).toBe('ort');
  expect(ort.execution?.fallback).toBeUndefined();
  expect(ort.targets).toEqual(tfjs.targets);
  expectCloseTensors(tfjs.logits, ort.logits, 'logits', rel);
  for (const [k, r] of tfjs.relevances.entries()) expectCloseTensors(r, ort.relevances[k]!, `relevance of input ${k}`, rel);
}
