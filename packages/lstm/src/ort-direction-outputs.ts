/**
 * The outputs of an ONNX recurrent operator (onnx/direction-outputs.ts) for core's 'ort' executor:
 * Y [N, T, dirs, H] stacks the directions' step outputs (a reverse direction's turned back to input
 * order), Y_h [N, dirs, H] their last processed steps. Rearrangements only: relevance and gradient
 * go back the way the values came (the nodes' `vjp`, LRP default `gradient`).
 */
import { registerOrtNodeSteps, type OrtValue, type OrtValues } from '@xai/core';
import type { SequenceOutputNode } from './onnx/direction-outputs.js';
import { reverseTime, stepOf } from './ort-recurrent-ops.js';

/** The directions' values [B, …] stacked on a new axis `axis`. */
const stackOn = (names: readonly string[], axis: number, v: OrtValues) => v.w.op('Concat', names.map((n) => v.w.op('Unsqueeze', [n, v.w.int64s([axis])])), { axis });

/** Entry d of axis `axis` of r, that axis removed. */
const entry = (r: OrtValue, axis: number, d: number, v: OrtValues) => v.w.op('Gather', [v.at(r, 'cl'), v.w.int64s([d], [])], { axis });

export function registerLstmOrtDirectionOutputs(): void {
  registerOrtNodeSteps('recurrent-sequence', {
    forward(node, hs, v) {
      const { reversed } = node as SequenceOutputNode;
      const [batch, steps, units] = hs[0]!.shape as [number, number, number];
      const ordered = hs.map((h, d) => (reversed[d] ? reverseTime(v.at(h, 'cl'), steps, v) : v.at(h, 'cl')));
      return v.make([batch, steps, hs.length, units], stackOn(ordered, 2, v), 'cl');
    },
    vjp(node, hs, _output, r, v) {
      const { reversed } = node as SequenceOutputNode;
      return hs.map((h, d) => {
        const rd = entry(r, 2, d, v);
        return v.make(h.shape, reversed[d] ? reverseTime(rd, h.shape[1]!, v) : rd, 'cl');
      });
    },
  });
  registerOrtNodeSteps('recurrent-final-state', {
    forward(_node, hs, v) {
      const [batch, steps, units] = hs[0]!.shape as [number, number, number];
      return v.make([batch, hs.length, units], stackOn(hs.map((h) => stepOf(v.at(h, 'cl'), steps - 1, v)), 1, v), 'cl');
    },
    // r at each direction's last step, zeros before it.
    vjp: (_node, hs, _output, r, v) =>
      hs.map((h, d) => {
        const steps = h.shape[1]!;
        const last = v.w.op('Unsqueeze', [entry(r, 1, d, v), v.w.int64s([1])]);
        return v.make(h.shape, v.w.op('Pad', [last, v.w.int64s([0, steps - 1, 0, 0, 0, 0])]), 'cl');
      }),
  });
}
