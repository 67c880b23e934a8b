/**
 * Keras TimeDistributed(layer): the wrapped layer applied to every time step. In the graph the time
 * axis is folded into the batch axis ([batch, T, …] → [batch·T, …]), the wrapped layer is converted
 * by its own registered converter (so a wrapped Dense or Conv2D is a linear node that composites
 * give rules to), and the result is unfolded again.
 */
import type * as tf from '@tensorflow/tfjs';
import { GraphNode, layerConverter, type ConversionContext, type Shape } from '@xai/core';

/** [batch, T, …] → [batch·T, …]. */
export class FoldTimeNode extends GraphNode {
  readonly kind = 'fold-time';

  forward([x]: tf.Tensor[]): tf.Tensor {
    return x!.reshape([-1, ...x!.shape.slice(2)]);
  }

  override vjp([x]: tf.Tensor[], _output: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return [r.reshape(x!.shape)];
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return inputs[0] === true;
  }
}

/** [batch·T, …] → [batch, T, …]; the second input is the unfolded sequence, read for batch and T only. */
export class UnfoldTimeNode extends GraphNode {
  readonly kind = 'unfold-time';

  forward([y, x]: tf.Tensor[]): tf.Tensor {
    return y!.reshape([x!.shape[0]!, x!.shape[1]!, ...y!.shape.slice(1)]);
  }

  override vjp([y]: tf.Tensor[], _output: tf.Tensor, r: tf.Tensor): (tf.Tensor | null)[] {
    return [r.reshape(y!.shape), null];
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return inputs[0] === true;
  }
}

export function convertTimeDistributed(ctx: ConversionContext): GraphNode[] {
  const inner = (ctx.layer as unknown as { layer: tf.layers.Layer }).layer;
  const className = inner.getClassName();
  const convert = layerConverter(className) ?? ctx.unsupported(`wrapped layer class ${className} has no converter`);
  const dropTime = (shape: Shape): Shape => [shape[0] ?? null, ...shape.slice(2)];
  const folded = ctx.newTensor();
  const innerOut = ctx.newTensor();
  const innerCtx: ConversionContext = {
    layer: inner,
    name: ctx.name,
    className,
    config: inner.getConfig() as Record<string, any>,
    inputs: [folded],
    inputShapes: [dropTime(ctx.inputShapes[0]!)],
    outputShape: dropTime(ctx.outputShape),
    output: innerOut,
    newTensor: ctx.newTensor,
    weights: () => inner.getWeights(),
    unsupported: (detail: string): never => ctx.unsupported(`wrapped ${className}: ${detail}`),
  };
  return [
    new FoldTimeNode(`${ctx.name}/fold`, ctx.name, ctx.className, [ctx.inputs[0]!], folded),
    ...convert(innerCtx),
    new UnfoldTimeNode(`${ctx.name}/unfold`, ctx.name, ctx.className, [innerOut, ctx.inputs[0]!], ctx.output),
  ];
}
