/**
 * GELU's Erf formula and LayerNorm's ReduceMean/Sub/Pow/Sqrt/Div formula are each recognised as one
 * node (`Gelu`, `LayerNormalization`), in the orders exporters and people write them, and the
 * rewritten graph computes what the original file computes — in onnxruntime (written back as ONNX)
 * and in the engine. Formulas
 * that only look alike are left alone (and still compute the same).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { forwardAll, initBackend, loadModel } from '../../src/index.js';
import { decodeOnnx, normalizeOnnx } from '../../src/import/onnx/index.js';
import { buildModel, node, tensor, valueInfo } from './build-onnx.js';
import { encodeNormalized } from './encode-normalized.js';
import { feed, rampData, runReference } from './ort-reference.js';

beforeAll(async () => {
  await initBackend();
});

const DIMS = [2, 3, 8];
const scalar = (name: string, v: number) => tensor(name, 'float32', [], [v]);

function model(nodes: ReturnType<typeof node>[], initializers: ReturnType<typeof tensor>[], opset = 13): Uint8Array {
  return buildModel({ opset, inputs: [valueInfo('x', 'float32', DIMS)], outputs: [valueInfo('y', 'float32', null)], nodes, initializers });
}

const opTypes = (bytes: Uint8Array) => normalizeOnnx(decodeOnnx(bytes)).graph.nodes.map((n) => n.opType);

/** Largest |engine − onnxruntime| relative to max |y|, on a ramp input. */
async function engineVsOrt(bytes: Uint8Array): Promise<number> {
  const data = rampData(DIMS, 0.3);
  const ref = (await runReference(bytes, { x: feed('float32', DIMS, data) })).y!;
  const m = await loadModel(bytes);
  const x = tf.tensor(data, DIMS);
  try {
    const values = forwardAll(m.graph, [x]);
    const got = values.get(m.graph.outputs[0]!)!.dataSync();
    for (const [id, t] of values) if (!m.graph.inputs.includes(id)) t.dispose();
    const want = ref.data as Float32Array;
    const scale = Math.max(...Array.from(want, Math.abs));
    return Math.max(...Array.from(want, (v, i) => Math.abs(got[i]! - v))) / scale;
  } finally {
    x.dispose();
    m.dispose();
  }
}

/** Largest |ort(normalised graph written back) − ort(original)| relative to max |y|. */
async function rewrittenVsOriginal(bytes: Uint8Array): Promise<number> {
  const net = normalizeOnnx(decodeOnnx(bytes));
  const opset = net.graph.nodes.some((n) => n.opType === 'Gelu') ? 20 : 17;
  const feeds = { x: feed('float32', DIMS, rampData(DIMS, 0.3)) };
  const [before, after] = await Promise.all([runReference(bytes, feeds), runReference(encodeNormalized(net.graph, opset), feeds)]);
  const [want, got] = [before.y!.data as Float32Array, after.y!.data as Float32Array];
  const scale = Math.max(...Array.from(want, Math.abs));
  return Math.max(...Array.from(want, (v, i) => Math.abs(got[i]! - v))) / scale;
}

describe('GELU written as x·0.5·(1 + erf(x/√2))', () => {
  const consts = [scalar('r2', Math.SQRT2), scalar('ir2', Math.SQRT1_2), scalar('one', 1), scalar('half', 0.5), scalar('c15', 1.5)];
  const cases: [string, ReturnType<typeof node>[]][] = [
    ['torch.onnx.export: Div √2, Erf, Add 1, Mul x, Mul 0.5', [
      node('Div', ['x', 'r2'], ['u']), node('Erf', ['u'], ['e']), node('Add', ['e', 'one'], ['a']), node('Mul', ['x', 'a'], ['m']), node('Mul', ['m', 'half'], ['y']),
    ]],
    ['x·0.5 first, constant operands in front', [
      node('Mul', ['half', 'x'], ['h']), node('Div', ['x', 'r2'], ['u']), node('Erf', ['u'], ['e']), node('Add', ['one', 'e'], ['a']), node('Mul', ['h', 'a'], ['y']),
    ]],
    ['Mul by 1/√2, (1 + erf)·0.5, then x', [
      node('Mul', ['ir2', 'x'], ['u']), node('Erf', ['u'], ['e']), node('Add', ['e', 'one'], ['a']), node('Mul', ['a', 'half'], ['m']), node('Mul', ['x', 'm'], ['y']),
    ]],
  ];
  it.each(cases)('%s → one Gelu, same function as onnxruntime', async (_name, nodes) => {
    const bytes = model(nodes, consts);
    expect(opTypes(bytes)).toEqual(['Gelu']);
    expect(await engineVsOrt(bytes)).toBeLessThan(1e-5);
    expect(await rewrittenVsOriginal(bytes)).toBeLessThan(1e-6); // both in onnxruntime: the rewrite keeps the function
  });
  it('leaves a look-alike (x/1.5) and a formula whose erf is read elsewhere alone', async () => {
    const lookAlike = model([node('Div', ['x', 'c15'], ['u']), node('Erf', ['u'], ['e']), node('Add', ['e', 'one'], ['a']), node('Mul', ['x', 'a'], ['m']), node('Mul', ['m', 'half'], ['y'])], consts);
    expect(opTypes(lookAlike)).toEqual(['Div', 'Erf', 'Add', 'Mul', 'Mul']);
    expect(await engineVsOrt(lookAlike)).toBeLessThan(1e-5);
    const shared = model([
      node('Div', ['x', 'r2'], ['u']), node('Erf', ['u'], ['e']), node('Add', ['e', 'one'], ['a']), node('Mul', ['x', 'a'], ['m']), node('Mul', ['m', 'half'], ['g']), node('Add', ['g', 'e'], ['y']),
    ], consts);
    expect(opTypes(shared)).not.toContain('Gelu');
    expect(await engineVsOrt(shared)).toBeLessThan(1e-5);
  });
});

describe('LayerNorm written as its formula (opsets below 17)', () => {
  const g = tensor('g', 'float32', [8], Array.from(rampData([8], 0.2), (v) => 1 + v));
  const b = tensor('b', 'float32', [8], Array.from(rampData([8], 0.05)));
  const eps = scalar('eps', 1e-5);
  const two = scalar('two', 2);
  const formula = (axes: number[], square: 'pow' | 'mul') => [
    node('ReduceMean', ['x'], ['m'], { axes }), node('Sub', ['x', 'm'], ['d']),
    square === 'pow' ? node('Pow', ['d', 'two'], ['p']) : node('Mul', ['d', 'd'], ['p']),
    node('ReduceMean', ['p'], ['v'], { axes }), node('Add', ['v', 'eps'], ['ve']), node('Sqrt', ['ve'], ['s']),
  ];
  it('torch.onnx.export (opset 13): Pow 2, ε, ·γ + β over the last axis → one LayerNormalization', async () => {
    const bytes = model([...formula([-1], 'pow'), node('Div', ['d', 's'], ['n']), node('Mul', ['n', 'g'], ['t']), node('Add', ['t', 'b'], ['y'])], [g, b, eps, two]);
    const net = normalizeOnnx(decodeOnnx(bytes));
    expect(net.graph.nodes.map((n) => n.opType)).toEqual(['LayerNormalization']);
    expect(net.graph.nodes[0]!.attributes.axis).toBe(-1);
    expect(net.graph.nodes[0]!.attributes.epsilon as number).toBeCloseTo(1e-5, 10); // the float32 constant
    expect(net.graph.nodes[0]!.inputs).toEqual(['x', 'g', 'b']);
    expect(await engineVsOrt(bytes)).toBeLessThan(1e-5);
    expect(await rewrittenVsOriginal(bytes)).toBeLessThan(1e-6);
  });
  it('d·d, positive axes, no γ or β (γ becomes ones)', async () => {
    const bytes = model([...formula([2], 'mul'), node('Div', ['d', 's'], ['y'])], [eps]);
    expect(opTypes(bytes)).toEqual(['LayerNormalization']);
    expect(await engineVsOrt(bytes)).toBeLessThan(1e-5);
    expect(await rewrittenVsOriginal(bytes)).toBeLessThan(1e-6);
  });
  it('over the two trailing axes, with β only', async () => {
    const b2 = tensor('b2', 'float32', [3, 8], Array.from(rampData([3, 8], 0.05)));
    const bytes = model([...formula([-2, -1], 'pow'), node('Div', ['d', 's'], ['n']), node('Add', ['b2', 'n'], ['y'])], [b2, eps, two]);
    const net = normalizeOnnx(decodeOnnx(bytes));
    expect(net.graph.nodes.map((n) => n.opType)).toEqual(['LayerNormalization']);
    expect(net.graph.nodes[0]!.attributes).toMatchObject({ axis: -2 });
    expect(await engineVsOrt(bytes)).toBeLessThan(1e-5);
  });
  it('leaves a normalisation over a non-trailing axis, or one whose centred value is read elsewhere, alone', async () => {
    const inner = model([...formula([1], 'pow'), node('Div', ['d', 's'], ['y'])], [eps, two]);
    expect(opTypes(inner)).not.toContain('LayerNormalization');
    expect(await engineVsOrt(inner)).toBeLessThan(1e-5);
    const shared = model([...formula([-1], 'pow'), node('Div', ['d', 's'], ['n']), node('Add', ['n', 'd'], ['y'])], [eps, two]);
    expect(opTypes(shared)).not.toContain('LayerNormalization');
    expect(await engineVsOrt(shared)).toBeLessThan(1e-5);
  });
});
