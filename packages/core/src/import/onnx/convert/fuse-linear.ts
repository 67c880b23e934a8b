/**
 * Graph rewrites before conversion, on the normalised ONNX graph:
 * - `Gemm` with constant B (and C) becomes the internal form `MatMul(x, W[K, N], b[N])` (transB,
 *   alpha and beta applied to the weights);
 * - a constant `Add` after such a MatMul (the bias PyTorch writes as `bias + MatMul`) joins its bias;
 * - a `BatchNormalization` whose input is a `Conv` or weighted `MatMul` read by nothing else is merged
 *   into it exactly: W' = W·s, b' = b·s + t per output channel, s = γ/√(σ²+ε), t = β − μ·s.
 */
import { floatAttr, intAttr } from '../normalize/attributes.js';
import { graphOutputNames } from '../normalize/graph-edit.js';
import type { OnnxGraph, OnnxNode, OnnxTensor } from '../model.js';
import { numbers } from './tensors.js';

const float = (name: string, dims: readonly number[], data: Float32Array): OnnxTensor => ({ name, dtype: 'float32', dims, data });

export interface FuseOptions {
  /** Merge BatchNormalization into a preceding linear node (default true). */
  readonly mergeBatchNorm?: boolean;
  /** Rank of a value (from shape inference), null when unknown. */
  readonly rank?: (value: string) => number | null;
}

export function fuseLinear(graph: OnnxGraph, options: FuseOptions = {}): OnnxGraph {
  const inits = new Map(graph.initializers);
  const outputs = graphOutputNames(graph);
  let nodes = [...graph.nodes];
  const isConst = (v: string | undefined) => v !== undefined && v !== '' && inits.has(v);
  const readers = (v: string) => nodes.filter((n) => n.inputs.includes(v));
  let fresh = 0;
  const newName = (base: string) => {
    let name = `${base}/fused${fresh++}`;
    while (inits.has(name)) name = `${base}/fused${fresh++}`;
    return name;
  };

  // Gemm → MatMul(x, W, b)
  nodes = nodes.map((n) => {
    if (n.opType !== 'Gemm' || intAttr(n, 'transA', 0) !== 0 || !isConst(n.inputs[1]) || (n.inputs[2] && !isConst(n.inputs[2]))) return n;
    const B = inits.get(n.inputs[1]!)!;
    const [r, c] = B.dims as [number, number];
    const transB = intAttr(n, 'transB', 0) === 1;
    const [K, N] = transB ? [c, r] : [r, c];
    const alpha = floatAttr(n, 'alpha', 1);
    const beta = floatAttr(n, 'beta', 1);
    const b = numbers(B);
    const W = new Float32Array(K * N);
    for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) W[k * N + j] = alpha * (transB ? b[j * K + k]! : b[k * N + j]!);
    const inputs = [n.inputs[0]!, newName(n.name)];
    inits.set(inputs[1]!, float(inputs[1]!, [K, N], W));
    if (n.inputs[2]) {
      const C = inits.get(n.inputs[2])!;
      const cv = numbers(C);
      if (cv.length !== 1 && cv.length !== N) return n; // a bias per sample: keep the Gemm
      const bias = Float32Array.from({ length: N }, (_, j) => beta * cv[cv.length === 1 ? 0 : j]!);
      inputs.push(newName(n.name));
      inits.set(inputs[2]!, float(inputs[2]!, [N], bias));
    }
    return { ...n, opType: 'MatMul', inputs, attributes: { gemm: 1 } }; // `gemm` keeps the original type for display
  });

  const weightedMatMul = (n: OnnxNode | undefined) => n?.opType === 'MatMul' && isConst(n.inputs[1]) && inits.get(n.inputs[1]!)!.dims.length === 2;
  const soleReader = (v: string) => !outputs.has(v) && readers(v).length === 1;

  // MatMul(x, W) + constant bias
  for (const add of nodes.filter((n) => n.opType === 'Add')) {
    const source = nodes.find((m) => m.outputs[0] === add.inputs[0] || m.outputs[0] === add.inputs[1]);
    if (!source || !weightedMatMul(source) || !soleReader(source.outputs[0]!)) continue;
    const other = add.inputs[0] === source.outputs[0] ? add.inputs[1] : add.inputs[0];
    if (!isConst(other)) continue;
    const N = inits.get(source.inputs[1]!)!.dims[1]!;
    const addend = inits.get(other!)!;
    if (addend.dims.slice(0, -1).some((d) => d !== 1) || (addend.dims.length > 0 && addend.dims[addend.dims.length - 1] !== N && addend.dims[addend.dims.length - 1] !== 1)) continue;
    const av = numbers(addend);
    const old = source.inputs[2] ? numbers(inits.get(source.inputs[2])!) : null;
    const bias = Float32Array.from({ length: N }, (_, j) => (old ? old[j]! : 0) + av[av.length === 1 ? 0 : j]!);
    const name = newName(source.name);
    inits.set(name, float(name, [N], bias));
    const merged = { ...source, inputs: [source.inputs[0]!, source.inputs[1]!, name], outputs: add.outputs };
    nodes = nodes.filter((n) => n !== add).map((n) => (n === source ? merged : n));
  }

  if (options.mergeBatchNorm !== false) {
    for (const bn of nodes.filter((n) => n.opType === 'BatchNormalization')) {
      const source = nodes.find((m) => m.outputs[0] === bn.inputs[0]);
      if (!source || !bn.inputs.slice(1, 5).every(isConst) || !soleReader(source.outputs[0]!)) continue;
      const isConv = source.opType === 'Conv' && isConst(source.inputs[1]) && (!source.inputs[2] || isConst(source.inputs[2]));
      if (!isConv && !(weightedMatMul(source) && options.rank?.(bn.inputs[0]!) === 2)) continue;
      const [gamma, beta, mean, variance] = bn.inputs.slice(1, 5).map((v) => numbers(inits.get(v)!));
      const eps = floatAttr(bn, 'epsilon', 1e-5);
      const s = gamma!.map((g, c) => g / Math.sqrt(variance![c]! + eps));
      const t = beta!.map((b, c) => b - mean![c]! * s[c]!);
      const W = inits.get(source.inputs[1]!)!;
      const w = numbers(W);
      const scaled = new Float32Array(w.length);
      const channels = s.length;
      if (isConv) {
        const per = w.length / channels; // W [O, I/g, ...k]: output channel first
        for (let i = 0; i < w.length; i++) scaled[i] = w[i]! * s[Math.floor(i / per)]!;
      } else {
        for (let i = 0; i < w.length; i++) scaled[i] = w[i]! * s[i % channels]!; // W [K, N]: output channel last
      }
      const old = source.inputs[2] ? numbers(inits.get(source.inputs[2])!) : null;
      const bias = Float32Array.from(s, (sc, c) => (old ? old[c]! : 0) * sc + t[c]!);
      const [wName, bName] = [newName(source.name), newName(source.name)];
      inits.set(wName, float(wName, W.dims, scaled));
      inits.set(bName, float(bName, [channels], bias));
      const merged = { ...source, inputs: [source.inputs[0]!, wName, bName], outputs: bn.outputs };
      nodes = nodes.filter((n) => n !== bn).map((n) => (n === source ? merged : n));
    }
  }

  const used = new Set(nodes.flatMap((n) => n.inputs));
  for (const name of [...inits.keys()]) if (!used.has(name)) inits.delete(name);
  return { ...graph, nodes, initializers: inits };
}
