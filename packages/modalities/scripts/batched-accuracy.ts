/** Share of samples whose arg-max prediction is the label, predicted 32 samples at a time (training scripts). */
import * as tf from '@tensorflow/tfjs';

export function accuracyOf(predict: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, labels: Int32Array): number {
  let correct = 0;
  for (let start = 0; start < labels.length; start += 32) {
    const size = Math.min(32, labels.length - start);
    const pred = tf.tidy(() => predict(x.slice(start, size)).argMax(-1).dataSync());
    for (let n = 0; n < size; n++) if (pred[n] === labels[start + n]) correct++;
  }
  return correct / labels.length;
}
