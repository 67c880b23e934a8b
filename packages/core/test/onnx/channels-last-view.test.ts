/**
 * The channels-last view of an ONNX (channels-first) model says it is channels-last, so methods
 * that slide windows (occlusion, LIME) run on it directly instead of transposing a second time.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain, initBackend, loadModel } from '../../src/index.js';
import { buildModel, node, tensor, valueInfo } from './build-onnx.js';
import { rampData } from './ort-reference.js';

beforeAll(async () => {
  await initBackend();
});

/** Conv 3→2 (3×3, pads 1) → Relu → GlobalAveragePool → Flatten → Gemm 2→2 on [N, 3, 6, 5]. */
function cnn(): Uint8Array {
  return buildModel({
    opset: 13,
    inputs: [valueInfo('x', 'float32', ['N', 3, 6, 5])],
    outputs: [valueInfo('y', 'float32', ['N', 2])],
    nodes: [
      node('Conv', ['x', 'W'], ['c'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv'),
      node('Relu', ['c'], ['r'], {}, 'relu'),
      node('GlobalAveragePool', ['r'], ['p'], {}, 'gap'),
      node('Flatten', ['p'], ['f'], {}, 'flatten'),
      node('Gemm', ['f', 'D'], ['y'], { transB: 1 }, 'head'),
    ],
    initializers: [
      tensor('W', 'float32', [2, 3, 3, 3], Array.from(rampData([2, 3, 3, 3], 0.2)).map((v, i) => (i % 4 === 0 ? -v : v))),
      tensor('D', 'float32', [2, 2], [1, -0.5, 0.3, 0.8]),
    ],
  });
}

describe('channelsLastView', () => {
  it('reports channels-last, and occlusion on the view equals occlusion on the model, transposed', async () => {
    const model = await loadModel(cnn());
    const view = model.channelsLastView();
    const x = tf.tensor(rampData([1, 3, 6, 5], 0.3), [1, 3, 6, 5]);
    const xLast = x.transpose([0, 2, 3, 1]);
    try {
      expect(model.inputLayout).toBe('channels-first');
      expect(view.inputLayout).toBe('channels-last');
      expect(view.inputShapes[0]).toEqual([null, 6, 5, 3].map((d, i) => (i === 0 ? model.inputShapes[0]![0] : d)));
      const options = { method: 'occlusion', window: [2, 2], stride: [1, 1], target: 0 } as const;
      const onModel = await explain(model, x, options);
      const onView = await explain(view, xLast, options);
      try {
        expect(onModel.relevance.shape).toEqual([1, 3, 6, 5]);
        expect(onView.relevance.shape).toEqual([1, 6, 5, 3]);
        const a = onModel.relevance.transpose([0, 2, 3, 1]);
        const diff = tf.tidy(() => a.sub(onView.relevance).abs().max().dataSync()[0]!);
        a.dispose();
        expect(diff).toBeLessThan(1e-5);
      } finally {
        onModel.dispose();
        onView.dispose();
      }
    } finally {
      x.dispose();
      xLast.dispose();
      view.dispose();
      model.dispose();
    }
  });
});
