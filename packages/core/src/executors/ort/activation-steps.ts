/**
 * Element-wise activations as ONNX nodes: the forward and the derivative applied to a cotangent,
 * as nodes/activation-node.ts defines them (same parameters and defaults). An activation a plugin
 * registers is not compiled (tfjs runs it).
 */
import type { ActivationNode } from '../../nodes/activation-node.js';
import { notCompilable } from './not-compilable.js';
import type { Value, Values } from './values.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** The upper clip of a ReLU (relu6: 6; ReLU(max_value)), or null. */
const reluMax = (node: ActivationNode): number | null =>
  node.activation === 'relu6' ? 6 : node.activation === 'relu' ? (node.params.maxValue ?? null) : null;

/** The engine axis a softmax normalises (non-negative). */
const softmaxAxis = (node: ActivationNode, rank: number) => {
  const axis = node.params.axis ?? -1;
  return axis < 0 ? rank + axis : axis;
};

export function activationForward(node: ActivationNode, x: Value, v: Values, where: string): Value {
  const layout = v.home(x);
  const unary = (op: string, attrs: Record<string, number | { float: number }> = {}) => v.make(x.shape, v.w.op(op, [v.at(x, layout)], attrs), layout);
  const max = reluMax(node);
  if (max !== null) return v.ew('Clip', [x, 0, max], layout);
  switch (node.activation) {
    case 'linear':
      return x;
    case 'relu':
      return v.ew('Relu', [x], layout);
    case 'sigmoid':
      return unary('Sigmoid');
    case 'tanh':
      return unary('Tanh');
    case 'elu':
      return unary('Elu', { alpha: { float: node.params.alpha ?? 1 } });
    case 'selu':
      return unary('Selu', { alpha: { float: SELU_ALPHA }, gamma: { float: SELU_SCALE } });
    case 'leakyRelu':
    case 'leaky_relu':
      return unary('LeakyRelu', { alpha: { float: node.params.alpha ?? 0.2 } });
    case 'hardSigmoid':
    case 'hard_sigmoid':
      return unary('HardSigmoid', { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case 'softplus':
      return unary('Softplus');
    case 'softsign':
      return unary('Softsign');
    case 'softmax':
      // In the engine layout: the axis is the engine's.
      return v.make(x.shape, v.w.op('Softmax', [v.at(x, 'cl')], { axis: softmaxAxis(node, x.shape.length) }), 'cl');
    default:
      return notCompilable(`activation '${node.activation}' of ${where}`);
  }
}

/** The activation's derivative applied to `g` (Jᵀg), given its input `x` and output `y`. */
export function activationGradient(node: ActivationNode, x: Value, y: Value, g: Value, v: Values, where: string): Value {
  const layout = v.home(g);
  const mul = (a: Value | number, b: Value | number) => v.ew('Mul', [a, b], layout, g.shape);
  const select = (cond: Value, a: Value | number, b: Value | number) => v.ew('Where', [cond, a, b], layout, g.shape);
  const positive = () => v.ew('Greater', [x, 0], layout);
  const max = reluMax(node);
  if (max !== null) return select(v.ew('And', [positive(), v.ew('Less', [x, max], layout)], layout), g, 0);
  switch (node.activation) {
    case 'linear':
      return g;
    case 'relu':
      return v.masked(g, x, 'positive', layout);
    case 'sigmoid':
      return mul(g, mul(y, v.ew('Sub', [1, y], layout, y.shape)));
    case 'tanh':
      return mul(g, v.ew('Sub', [1, v.ew('Mul', [y, y], layout)], layout, y.shape));
    case 'elu': {
      const alpha = node.params.alpha ?? 1;
      return mul(g, select(positive(), 1, mul(alpha, v.ew('Exp', [x], layout))));
    }
    case 'selu':
      return mul(g, select(positive(), SELU_SCALE, mul(SELU_SCALE * SELU_ALPHA, v.ew('Exp', [x], layout))));
    case 'leakyRelu':
    case 'leaky_relu':
      return mul(g, select(positive(), 1, node.params.alpha ?? 0.2));
    case 'hardSigmoid':
    case 'hard_sigmoid':
      return mul(select(v.ew('Less', [v.ew('Abs', [x], layout), 2.5], layout), g, 0), 0.2);
    case 'softplus':
      return mul(g, v.ew('Sigmoid', [x], layout));
    case 'softsign': {
      const d = v.ew('Add', [1, v.ew('Abs', [x], layout)], layout, x.shape);
      return v.ew('Div', [g, v.ew('Mul', [d, d], layout)], layout);
    }
    case 'softmax': {
      // y ⊙ (g − Σ_axis g ⊙ y), in the engine layout (the axis is the engine's).
      const axis = softmaxAxis(node, x.shape.length);
      const gy = v.w.op('Mul', [v.at(g, 'cl'), v.at(y, 'cl')]);
      const sum = v.w.op('ReduceSum', [gy, v.w.int64s([axis])], { keepdims: 1 });
      return v.make(g.shape, v.w.op('Mul', [v.at(y, 'cl'), v.w.op('Sub', [v.at(g, 'cl'), sum])]), 'cl');
    }
    default:
      return notCompilable(`the gradient of activation '${node.activation}' (${where})`);
  }
}
