/**
 * ONNX recurrent weights → the Keras layout the plugin's cells compute with. ONNX stacks gate blocks
 * on the rows of W [dirs, G·H, I] and R [dirs, G·H, H] (LSTM i, o, f, c; GRU z, r, h; RNN one block)
 * and keeps input and recurrent biases apart in B [dirs, 2·G·H]; Keras puts gate blocks side by side
 * on the columns of kernel [I, G·H] and recurrentKernel [H, G·H] (LSTM i, f, c, o; GRU z, r, h) with
 * one bias [G·H].
 */
import { onnxImport, type OnnxTensor } from '@xai/core';

export type OnnxRecurrentOp = 'LSTM' | 'GRU' | 'RNN';

export const GATES: Readonly<Record<OnnxRecurrentOp, number>> = { LSTM: 4, GRU: 3, RNN: 1 };

/** For Keras gate block k, the ONNX gate block that holds it. */
const ONNX_BLOCK: Readonly<Record<OnnxRecurrentOp, readonly number[]>> = { LSTM: [0, 2, 3, 1], GRU: [0, 1, 2], RNN: [0] };

/** One direction's weights in Keras layout (row-major value arrays). */
export interface DirectionWeights {
  /** [I, G·H] */
  readonly kernel: Float32Array;
  /** [H, G·H] */
  readonly recurrentKernel: Float32Array;
  /** [G·H]: input and recurrent biases summed (for a reset-after GRU: all but the candidate's recurrent one), or null without B. */
  readonly bias: Float32Array | null;
  /** Reset-after GRU: the candidate's recurrent bias [H] (inside the reset gate), or null. */
  readonly recurrentCandidateBias: Float32Array | null;
}

/** An initializer's values as float32 (the ONNX float types). */
export function floatValues(t: OnnxTensor): Float32Array {
  if (!['float32', 'float64', 'float16', 'bfloat16'].includes(t.dtype)) throw new Error(`initializer '${t.name}' holds ${t.dtype}, not floats`);
  return Float32Array.from(t.data as ArrayLike<number>);
}

/** An integer initializer's values as numbers (int64 checked). */
export function intValues(t: OnnxTensor): number[] {
  if (t.data instanceof BigInt64Array) return onnxImport.int64Values(t.data);
  return Array.from(t.data as ArrayLike<number>, Number);
}

/** Rows [d, G·H, cols] → Keras columns [cols, G·H] with the gate blocks reordered. */
function gateColumns(op: OnnxRecurrentOp, values: Float32Array, d: number, hidden: number, cols: number): Float32Array {
  const width = GATES[op] * hidden;
  const out = new Float32Array(cols * width);
  ONNX_BLOCK[op].forEach((block, k) => {
    for (let j = 0; j < hidden; j++) {
      const row = (d * width + block * hidden + j) * cols;
      for (let c = 0; c < cols; c++) out[c * width + k * hidden + j] = values[row + c]!;
    }
  });
  return out;
}

/** Bias half `part` (0 input, 1 recurrent) of direction d, gate blocks reordered: [G·H]. */
function gateBias(op: OnnxRecurrentOp, values: Float32Array, d: number, hidden: number, part: 0 | 1): Float32Array {
  const width = GATES[op] * hidden;
  const out = new Float32Array(width);
  ONNX_BLOCK[op].forEach((block, k) => {
    for (let j = 0; j < hidden; j++) out[k * hidden + j] = values[(d * 2 + part) * width + block * hidden + j]!;
  });
  return out;
}

/** Direction d's weights from W, R and (optional) B; `resetAfter` keeps the GRU candidate's recurrent bias apart. */
export function directionWeights(
  op: OnnxRecurrentOp,
  w: { W: Float32Array; R: Float32Array; B: Float32Array | null },
  d: number,
  hidden: number,
  inputSize: number,
  resetAfter: boolean,
): DirectionWeights {
  const kernel = gateColumns(op, w.W, d, hidden, inputSize);
  const recurrentKernel = gateColumns(op, w.R, d, hidden, hidden);
  if (!w.B) return { kernel, recurrentKernel, bias: null, recurrentCandidateBias: null };
  const input = gateBias(op, w.B, d, hidden, 0);
  const recurrent = gateBias(op, w.B, d, hidden, 1);
  const candidate = 2 * hidden; // the GRU's h block, last in both orders
  const bias = input.map((v, i) => (resetAfter && i >= candidate ? v : v + recurrent[i]!));
  return { kernel, recurrentKernel, bias, recurrentCandidateBias: resetAfter ? recurrent.slice(candidate) : null };
}
