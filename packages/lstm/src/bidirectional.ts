/**
 * Keras Bidirectional(recurrent layer): a forward and a backward (goBackwards) copy of the layer
 * read the same input; with returnSequences the backward copy's output is reversed back into input
 * order; the two are merged by concat, sum or ave. Both directions send relevance to the input,
 * where the engine adds it per token.
 */
import * as tf from '@tensorflow/tfjs';
import { GraphNode, type ConversionContext } from '@xai/core';
import { maskInputFor } from './masking.js';
import { isRecurrentClass, makeCell, readRecurrentConfig, RECURRENT_CLASSES } from './recurrent-config.js';
import { RecurrentNode } from './recurrent-node.js';

export type MergeMode = 'concat' | 'sum' | 'ave';

export const MUL_REFUSAL =
  "mergeMode 'mul' multiplies the two directions' outputs: a product of two signals has no relevance split " +
  'in the LSTM rules (they give a product\'s relevance to its signal and none to its gate, and here both ' +
  "factors are signals), so no conservative, sign-preserving LRP exists for it; use mergeMode 'concat', 'sum' or 'ave'";

/** Reverses the time axis (axis 1): the backward direction's sequence output back into input order. */
export class ReverseTimeNode extends GraphNode {
  readonly kind = 'reverse-time';

  forward([x]: tf.Tensor[]): tf.Tensor {
    return tf.reverse(x!, 1);
  }

  override vjp(_inputs: tf.Tensor[], _output: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return [tf.reverse(r, 1)];
  }
}

/** Merges the two directions. LRP: concat splits (its gradient); sum and ave split proportionally (the `recurrent` rule, its ε). */
export class MergeDirectionsNode extends GraphNode {
  readonly kind = 'merge-directions';

  constructor(name: string, layerName: string, layerClass: string, inputs: readonly number[], output: number, readonly mode: MergeMode) {
    super(name, layerName, layerClass, inputs, output);
  }

  forward([a, b]: tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      switch (this.mode) {
        case 'concat':
          return tf.concat([a!, b!], -1);
        case 'sum':
          return tf.add(a!, b!);
        case 'ave':
          return tf.mul(0.5, tf.add(a!, b!));
      }
    });
  }

  override vjp([a, b]: tf.Tensor[], _y: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    if (this.mode === 'concat') return tf.split(r, [a!.shape[a!.rank - 1]!, b!.shape[b!.rank - 1]!], -1);
    return tf.tidy(() => (this.mode === 'ave' ? [tf.mul(r, 0.5), tf.mul(r, 0.5)] : [tf.clone(r), tf.clone(r)]));
  }

  override get defaultRule(): string {
    return this.mode === 'concat' ? 'gradient' : 'recurrent';
  }
}

export function convertBidirectional(ctx: ConversionContext): GraphNode[] {
  const mode = ctx.config.mergeMode as string | null | undefined;
  if (mode === 'mul') ctx.unsupported(MUL_REFUSAL);
  if (mode === null || mode === undefined) ctx.unsupported('mergeMode null: the two directions are two separate outputs');
  if (!['concat', 'sum', 'ave'].includes(mode)) ctx.unsupported(`mergeMode '${mode}'`);
  const inner = ctx.config.layer as { className: string; config: Record<string, any> };
  if (!isRecurrentClass(inner.className)) ctx.unsupported(`wrapped layer class ${inner.className}; Bidirectional wraps ${RECURRENT_CLASSES.join(', ')}`);
  if (ctx.inputShapes[0]?.length !== 3) ctx.unsupported(`input shape [${ctx.inputShapes[0]}]; recurrent layers read [batch, time, features]`);
  const forward = readRecurrentConfig(inner.className, inner.config, ctx.unsupported);
  const backward = { ...forward, goBackwards: !forward.goBackwards };
  const weights = ctx.weights();
  const half = weights.length / 2;
  const mask = maskInputFor(ctx);
  const inputs = mask === null ? [ctx.inputs[0]!] : [ctx.inputs[0]!, mask];
  const [fwdOut, bwdOut] = [ctx.newTensor(), ctx.newTensor()];
  const nodes: GraphNode[] = [
    new RecurrentNode(`${ctx.name}/forward`, ctx.name, ctx.className, inputs, fwdOut, makeCell(forward, weights.slice(0, half), ctx.unsupported), forward),
    new RecurrentNode(`${ctx.name}/backward`, ctx.name, ctx.className, inputs, bwdOut, makeCell(backward, weights.slice(half), ctx.unsupported), backward),
  ];
  let aligned = bwdOut;
  if (forward.returnSequences) {
    aligned = ctx.newTensor();
    nodes.push(new ReverseTimeNode(`${ctx.name}/reverse`, ctx.name, ctx.className, [bwdOut], aligned));
  }
  nodes.push(new MergeDirectionsNode(`${ctx.name}/${mode}`, ctx.name, ctx.className, [fwdOut, aligned], ctx.output, mode as MergeMode));
  return nodes;
}
