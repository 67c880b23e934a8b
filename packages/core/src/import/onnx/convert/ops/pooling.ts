/** MaxPool, AveragePool (pads, count_include_pad, ceil_mode), GlobalAveragePool, GlobalMaxPool — channels-last. */
import * as tf from '@tensorflow/tfjs';
import { GlobalPoolingNode, PoolingNode } from '../../../../nodes/pooling-node.js';
import { PadCropNode, ReshapeNode } from '../../../../nodes/shape-nodes.js';
import { computePads, type WindowGeometry } from '../../../../ops/conv-geometry.js';
import { intAttr, intsAttr, stringAttr } from '../../normalize/attributes.js';
import { OnnxFunctionNode } from '../function-node.js';
import { registerOnnxOp, type OnnxConversionContext } from '../registry.js';

const same = (a: readonly (readonly number[])[], b: readonly (readonly number[])[]) => a.every((p, i) => p[0] === b[i]![0] && p[1] === b[i]![1]);

function windowPool(ctx: OnnxConversionContext, kind: 'max' | 'avg'): void {
  const node = ctx.node;
  const x = node.inputs[0]!;
  const size = intsAttr(node, 'kernel_shape') ?? ctx.unsupported('no kernel_shape');
  const rank = size.length;
  const strides = intsAttr(node, 'strides') ?? Array(rank).fill(1);
  if ((intsAttr(node, 'dilations') ?? []).some((d) => d !== 1)) ctx.unsupported('dilated pooling');
  if (node.outputs.length > 1 && node.outputs[1]) ctx.unsupported('the Indices output of MaxPool');
  const spatial = ctx.shape(x).slice(2);
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  const raw = intsAttr(node, 'pads') ?? Array(2 * rank).fill(0);
  const pads: [number, number][] = Array.from({ length: rank }, (_, i) => [raw[i]!, raw[i + rank]!]);
  const known = spatial.every((d) => typeof d === 'number');
  const tfSame = known ? computePads({ size, strides, dilations: Array(rank).fill(1), padding: 'same' }, spatial as number[]) : null;
  let padding: 'valid' | 'same' = 'valid';
  let padFirst: [number, number][] | null = null;
  if (autoPad === 'SAME_UPPER') padding = 'same';
  else if (autoPad === 'SAME_LOWER' || (autoPad === 'NOTSET' && pads.some(([a, b]) => a || b))) {
    const explicit = autoPad === 'SAME_LOWER' ? (tfSame ?? ctx.unsupported('SAME_LOWER over axes of unknown size')).map(([a, b]) => [b, a] as [number, number]) : pads;
    const countPad = kind === 'avg' && intAttr(node, 'count_include_pad', 0) === 1;
    if (countPad || kind === 'max') padFirst = explicit; // pad (zeros counted in the average; a floor no value reaches for max), then pool without padding
    else if (tfSame && same(explicit, tfSame)) padding = 'same';
    else ctx.unsupported(`pads [${raw}] with count_include_pad = 0 other than TensorFlow's 'same' padding`);
  }
  if (intAttr(node, 'ceil_mode', 0) === 1) {
    // ceil_mode only matters where it adds a last, partial window.
    if (!known) ctx.unsupported('ceil_mode = 1 over axes of unknown size');
    const total = (i: number) => (padFirst ?? (padding === 'same' ? tfSame! : pads))[i]!;
    const extra = (spatial as number[]).some((n, i) => (n + total(i)[0] + total(i)[1] - size[i]!) % strides[i]! !== 0);
    if (extra) ctx.unsupported('ceil_mode = 1 where it adds a partial window');
  }
  let input = ctx.tensor(x, 'channels-last');
  if (padFirst) {
    const padded = ctx.newTensor();
    const pads = padFirst;
    ctx.emit(kind === 'avg'
      ? new PadCropNode(`${ctx.name}/pad`, ctx.name, 'Pad', [input], padded, pads)
      // The lowest float32, not −∞: rules may multiply the (never winning) padding by zero.
      : new OnnxFunctionNode(`${ctx.name}/pad`, 'Pad', [input], padded, { kind: 'pad-crop', forward: ([t]) => tf.pad(t!, [[0, 0], ...pads, [0, 0]], -3.4028234663852886e38) }));
    input = padded;
  }
  const geometry: WindowGeometry = { size, strides, dilations: Array(rank).fill(1), padding };
  const id = ctx.newTensor();
  ctx.emit(new PoolingNode(ctx.name, ctx.name, node.opType, [input], id, kind, geometry));
  ctx.bind(node.outputs[0]!, id, 'channels-last');
}

registerOnnxOp('MaxPool', (ctx) => windowPool(ctx, 'max'));
registerOnnxOp('AveragePool', (ctx) => windowPool(ctx, 'avg'));

for (const [opType, kind] of [['GlobalAveragePool', 'avg'], ['GlobalMaxPool', 'max']] as const) {
  registerOnnxOp(opType, (ctx) => {
    const x = ctx.node.inputs[0]!;
    const rank = ctx.shape(x).length;
    const channels = ctx.shape(x)[1];
    if (typeof channels !== 'number') ctx.unsupported('a channel axis of unknown size');
    const pooled = ctx.newTensor();
    const id = ctx.newTensor();
    ctx.emit(
      new GlobalPoolingNode(ctx.name, ctx.name, opType, [ctx.tensor(x, 'channels-last')], pooled, kind),
      new ReshapeNode(`${ctx.name}/keepdims`, ctx.name, opType, [pooled], id, [channels as number, ...Array(rank - 2).fill(1)]),
    );
    ctx.bind(ctx.node.outputs[0]!, id, 'onnx');
  });
}
