import { registerOnnxOp } from '@xai/core';
import { registerBatchAxisOps } from './batch-axis-ops.js';
import { convertOnnxRecurrent } from './recurrent-op.js';

/** The ONNX operators the plugin converts. */
export const ONNX_RECURRENT_OPS = ['LSTM', 'GRU', 'RNN'] as const;

/** Registers the ONNX recurrent operators and the shape operators that read their time-major values. */
export function registerOnnxRecurrentOps(): void {
  for (const op of ONNX_RECURRENT_OPS) registerOnnxOp(op, convertOnnxRecurrent);
  registerBatchAxisOps();
}
