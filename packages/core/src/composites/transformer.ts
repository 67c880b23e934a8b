/**
 * The transformer composite: conservative propagation (Ali et al., ICML 2022, "XAI for
 * Transformers: Better Explanations through Conservative Propagation") as the fixtures define
 * `lrp_transformer`, with its choices as options:
 * - `attention: 'values'` (default): attention probabilities held constant, A·V by the ε rule to the
 *   values, nothing to queries and keys; `'attnlrp'`: relevance into queries and keys as AttnLRP
 *   does (uniform rule on every product of two activations, AttnLRP's softmax rule);
 * - `layerNorm: 'constant_std'` (default): σ held constant, ε rule on the rest; `'gradient'`: its
 *   full vector–Jacobian product (gradient-like, not conservative);
 * - ε (default 1e-6) on every MatMul/Gemm with weights, A·V and LayerNorm;
 * GELU and other activations pass, residual additions, mean pooling and a mask added to the
 * scores split relevance in proportion to their addends (`norm`), reshapes and token selection
 * route by their gradient.
 */
import type { GraphNode } from '../graph/node.js';
import { attentionValues } from '../rules/attention-values.js';
import { bilinearUniform } from '../rules/bilinear-uniform.js';
import { epsilon } from '../rules/epsilon.js';
import { gradientRule } from '../rules/gradient.js';
import { layerNormConstantStd } from '../rules/layer-norm-std.js';
import { norm } from '../rules/norm.js';
import { softmaxAttnLrp } from '../rules/softmax-attnlrp.js';
import type { Composite } from './composite.js';
import { lrpLayerMap } from './presets.js';

export interface TransformerCompositeOptions {
  readonly attention?: 'values' | 'attnlrp';
  readonly layerNorm?: 'constant_std' | 'gradient';
  readonly epsilon?: number;
}

const meanPooling = (node: GraphNode) => node.layerClass === 'ReduceMean';

export function transformerComposite(options: TransformerCompositeOptions = {}): Composite {
  const eps = options.epsilon ?? 1e-6;
  const attention: Composite['entries'] = options.attention === 'attnlrp'
    ? [[{ kind: 'matmul' }, bilinearUniform(eps)], [{ kind: 'activation' }, softmaxAttnLrp()]]
    : [[{ kind: 'matmul' }, attentionValues(eps)], [{ kind: 'matmul' }, bilinearUniform(eps)]];
  return {
    name: 'transformer',
    entries: [
      [{ kind: 'linear' }, epsilon(eps)],
      ...attention,
      [{ kind: 'layer-norm' }, options.layerNorm === 'gradient' ? gradientRule() : layerNormConstantStd(eps)],
      [{ kind: 'reduce', where: meanPooling }, norm()],
      // an attention-mask input added to the scores: in proportion, so the mask (a constant of the input) keeps none where it is 0
      [{ kind: 'broadcast-add' }, norm()],
      ...lrpLayerMap(),
    ],
  };
}
