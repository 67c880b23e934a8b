/**
 * Test-side builder of small post-LayerNorm transformer encoders as torch.onnx.export writes them
 * (float input [1, T, d]: the encoder input itself): per block Q/K/V projections, Reshape +
 * Transpose into heads, Q·Kᵀ / √dh (+ an additive constant mask), Softmax, A·V, back to [1, T, d],
 * output projection, residual Add, LayerNorm, feed-forward with GELU's Erf formula, residual Add,
 * LayerNorm; then the first token (Gather) or the mean of the tokens, and a Gemm classifier.
 */
import { buildModel, node, tensor, valueInfo } from './build-onnx.js';

export interface TinyEncoderSpec {
  readonly tokens: number;
  readonly dim: number;
  readonly heads: number;
  readonly classes: number;
  /** One entry per block: an additive mask [heads, T, T] on the scaled scores, zero Q/K weights. */
  readonly blocks: readonly { readonly mask?: readonly number[]; readonly zeroQueries?: boolean }[];
  /** 'native': LayerNormalization (opset 17); 'formula': its ReduceMean/Sub/Pow/Sqrt/Div formula (opset 13). */
  readonly layerNorm: 'native' | 'formula';
  /** The first token by Gather (x[:, 0]) or by Slice + Squeeze (x[:, 0:1]), or the mean of the tokens. */
  readonly head: 'first' | 'slice' | 'mean';
  /** Biases on every projection, β on the LayerNorms, and a classifier bias. */
  readonly bias: boolean;
  readonly seed?: number;
  /** Token ids in (`input_ids` [1, T]): token embedding (Gather, vocabulary of this size) + position embedding (Add). */
  readonly vocab?: number;
  /** A second input `attention_mask` [1, T] (int64, 1 = keep), added to the scores as (1 − mask)·(−10000) the way BERT does. */
  readonly maskInput?: boolean;
}

type Node = ReturnType<typeof node>;
type Tensor = ReturnType<typeof tensor>;

/** Deterministic weights in about [−scale, scale]. */
const weights = (n: number, seed: number, scale: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 2.3 + seed * 7.1 + 0.4) * scale);

export function tinyEncoder(spec: TinyEncoderSpec): Uint8Array {
  const { tokens: T, dim: d, heads: H, classes: C } = spec;
  const dh = d / H;
  let seed = spec.seed ?? 1;
  const nodes: Node[] = [];
  const inits: Tensor[] = [];
  const constant = (name: string, dims: number[], values: number[], dtype: 'float32' | 'int64' = 'float32') => (inits.push(tensor(name, dtype, dims, values)), name);
  const matrix = (name: string, rows: number, cols: number, zero = false) => constant(name, [rows, cols], zero ? Array(rows * cols).fill(0) : weights(rows * cols, seed++, 1 / Math.sqrt(rows)));
  constant('heads_shape', [4], [1, T, H, dh], 'int64');
  constant('model_shape', [3], [1, T, d], 'int64');
  constant('scale', [], [Math.sqrt(dh)]);
  constant('sqrt2', [], [Math.SQRT2]);
  constant('one', [], [1]);
  constant('half', [], [0.5]);
  constant('two', [], [2]);
  constant('eps', [], [1e-5]);

  const linear = (name: string, x: string, rows: number, cols: number, zero = false) => {
    nodes.push(node('MatMul', [x, matrix(`${name}.w`, rows, cols, zero)], [spec.bias ? `${name}.mm` : name], {}, name));
    if (spec.bias) nodes.push(node('Add', [constant(`${name}.b`, [cols], weights(cols, seed++, 0.1)), `${name}.mm`], [name]));
    return name;
  };
  const layerNorm = (name: string, x: string) => {
    const gamma = constant(`${name}.g`, [d], weights(d, seed++, 0.2).map((v) => 1 + v));
    const beta = spec.bias ? constant(`${name}.b`, [d], weights(d, seed++, 0.1)) : null;
    if (spec.layerNorm === 'native') {
      nodes.push(node('LayerNormalization', beta ? [x, gamma, beta] : [x, gamma], [name], { axis: -1, epsilon: 1e-5 }, name));
      return name;
    }
    nodes.push(
      node('ReduceMean', [x], [`${name}.m`], { axes: [-1] }), node('Sub', [x, `${name}.m`], [`${name}.d`]), node('Pow', [`${name}.d`, 'two'], [`${name}.p`]),
      node('ReduceMean', [`${name}.p`], [`${name}.v`], { axes: [-1] }), node('Add', [`${name}.v`, 'eps'], [`${name}.ve`]), node('Sqrt', [`${name}.ve`], [`${name}.s`]),
      node('Div', [`${name}.d`, `${name}.s`], [`${name}.n`]), node('Mul', [`${name}.n`, gamma], [beta ? `${name}.t` : name]),
    );
    if (beta) nodes.push(node('Add', [`${name}.t`, beta], [name]));
    return name;
  };
  const intoHeads = (x: string, perm: number[]) => {
    nodes.push(node('Reshape', [x, 'heads_shape'], [`${x}.r`]), node('Transpose', [`${x}.r`], [`${x}.h`], { perm }));
    return `${x}.h`;
  };

  let h = 'x';
  if (spec.vocab) {
    nodes.push(node('Gather', [constant('tok.w', [spec.vocab, d], weights(spec.vocab * d, seed++, 1)), 'input_ids'], ['tok'], {}, 'token_embedding'));
    nodes.push(node('Add', ['tok', constant('pos.w', [T, d], weights(T * d, seed++, 0.5))], ['embedded'], {}, 'position_embedding'));
    h = 'embedded';
  }
  if (spec.maskInput) {
    constant('mask_axes', [2], [1, 2], 'int64');
    constant('big_negative', [], [-10000]);
    nodes.push(
      node('Unsqueeze', ['attention_mask', 'mask_axes'], ['mask4']), node('Cast', ['mask4'], ['maskf'], { to: 1 }),
      node('Sub', ['one', 'maskf'], ['unmasked']), node('Mul', ['unmasked', 'big_negative'], ['mask_bias']),
    );
  }
  spec.blocks.forEach((block, l) => {
    const p = `l${l}`;
    const q = intoHeads(linear(`${p}/q`, h, d, d, block.zeroQueries), [0, 2, 1, 3]);
    const k = intoHeads(linear(`${p}/k`, h, d, d, block.zeroQueries), [0, 2, 3, 1]);
    const v = intoHeads(linear(`${p}/v`, h, d, d), [0, 2, 1, 3]);
    nodes.push(node('MatMul', [q, k], [`${p}/scores`], {}, `${p}/scores`), node('Div', [`${p}/scores`, 'scale'], [`${p}/scaled`]));
    let logits = `${p}/scaled`;
    if (spec.maskInput) {
      nodes.push(node('Add', [logits, 'mask_bias'], [`${p}/padded`]));
      logits = `${p}/padded`;
    }
    if (block.mask) {
      nodes.push(node('Add', [logits, constant(`${p}/mask`, [H, T, T], [...block.mask])], [`${p}/masked`]));
      logits = `${p}/masked`;
    }
    nodes.push(node('Softmax', [logits], [`${p}/probs`], { axis: -1 }, `${p}/softmax`), node('MatMul', [`${p}/probs`, v], [`${p}/context`], {}, `${p}/context`));
    nodes.push(node('Transpose', [`${p}/context`], [`${p}/ct`], { perm: [0, 2, 1, 3] }), node('Reshape', [`${p}/ct`, 'model_shape'], [`${p}/merged`]));
    const attn = linear(`${p}/o`, `${p}/merged`, d, d);
    nodes.push(node('Add', [h, attn], [`${p}/res1`], {}, `${p}/res1`));
    const n1 = layerNorm(`${p}/ln1`, `${p}/res1`);
    const f = linear(`${p}/ff1`, n1, d, 2 * d);
    nodes.push(
      node('Div', [f, 'sqrt2'], [`${p}/gu`]), node('Erf', [`${p}/gu`], [`${p}/ge`]), node('Add', [`${p}/ge`, 'one'], [`${p}/ga`]),
      node('Mul', [f, `${p}/ga`], [`${p}/gm`]), node('Mul', [`${p}/gm`, 'half'], [`${p}/gelu`]),
    );
    const f2 = linear(`${p}/ff2`, `${p}/gelu`, 2 * d, d);
    nodes.push(node('Add', [n1, f2], [`${p}/res2`], {}, `${p}/res2`));
    h = layerNorm(`${p}/ln2`, `${p}/res2`);
  });
  if (spec.head === 'first') nodes.push(node('Gather', [h, constant('first', [], [0], 'int64')], ['pooled'], { axis: 1 }, 'first_token'));
  else if (spec.head === 'slice') {
    nodes.push(
      node('Slice', [h, constant('s0', [1], [0], 'int64'), constant('s1', [1], [1], 'int64'), constant('sa', [1], [1], 'int64')], ['sliced'], {}, 'first_slice'),
      node('Squeeze', ['sliced', 'sa'], ['pooled']),
    );
  } else nodes.push(node('ReduceMean', [h], ['pooled'], { axes: [1], keepdims: 0 }, 'mean_tokens'));
  const gemmInputs = ['pooled', matrix('cls.w', C, d)];
  if (spec.bias) gemmInputs.push(constant('cls.b', [C], weights(C, seed++, 0.1)));
  nodes.push(node('Gemm', gemmInputs, ['logits'], { transB: 1 }, 'classifier'));
  return buildModel({
    opset: spec.layerNorm === 'native' ? 17 : 13,
    inputs: [
      spec.vocab ? valueInfo('input_ids', 'int64', [1, T]) : valueInfo('x', 'float32', [1, T, d]),
      ...(spec.maskInput ? [valueInfo('attention_mask', 'int64', [1, T])] : []),
    ],
    outputs: [valueInfo('logits', 'float32', [1, C])],
    nodes,
    initializers: inits,
  });
}
