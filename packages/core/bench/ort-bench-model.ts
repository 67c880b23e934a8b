/**
 * The model and input the ORT bench scripts (ort-rss.ts, ort-profile.ts) explain: VGG-16 (random
 * weights, inputs in [0, 1]) or the seeded torchvision ResNet-18 export (inputs in [−2, 2]), with
 * the z^B bounds of epsilon_gamma_box for that input range.
 */
import * as tf from '@tensorflow/tfjs';
import { loadModel, XaiModel } from '../src/index.js';
import { mulberry32 } from '../src/random/mulberry32.js';
import { resnet18Onnx } from '../test/onnx/resnet18-onnx.js';
import { vgg16 } from './vgg16.js';

export interface OrtBenchModel {
  readonly model: XaiModel;
  readonly input: tf.Tensor;
  readonly bounds: { readonly low: number; readonly high: number };
}

export async function ortBenchModel(which: string, size: number, batch: number): Promise<OrtBenchModel> {
  if (which === 'resnet18') {
    const model = await loadModel(resnet18Onnx({ seed: 18 }), { label: 'resnet18.onnx', workers: false });
    const uniform = mulberry32(224);
    const input = tf.tensor(Float32Array.from({ length: batch * 3 * 224 * 224 }, () => 4 * uniform() - 2), [batch, 3, 224, 224]);
    return { model, input, bounds: { low: -2, high: 2 } };
  }
  return { model: XaiModel.fromLayersModel(vgg16(size)), input: tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 42), bounds: { low: 0, high: 1 } };
}
