import type { ConversionContext, GraphNode } from '@xai/core';
import { maskInputFor } from './masking.js';
import { makeCell, readRecurrentConfig, type RecurrentClass } from './recurrent-config.js';
import { RecurrentNode } from './recurrent-node.js';

/** Converter for LSTM, GRU and SimpleRNN layers: one node over the whole sequence. */
export function convertRecurrent(ctx: ConversionContext): GraphNode[] {
  const config = readRecurrentConfig(ctx.className as RecurrentClass, ctx.config, ctx.unsupported);
  if (ctx.inputShapes[0]?.length !== 3) ctx.unsupported(`input shape [${ctx.inputShapes[0]}]; recurrent layers read [batch, time, features]`);
  const mask = maskInputFor(ctx);
  const cell = makeCell(config, ctx.weights(), ctx.unsupported);
  const inputs = mask === null ? [ctx.inputs[0]!] : [ctx.inputs[0]!, mask];
  return [new RecurrentNode(ctx.name, ctx.name, ctx.className, inputs, ctx.output, cell, config)];
}
