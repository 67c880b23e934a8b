/** Class names carried by the model file: ONNX metadata_props and tfjs userDefinedMetadata. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classNamesFromMetadata, initBackend, loadModel, parseNameList } from '../src/index.js';
import { buildModel, node, tensor, valueInfo } from './onnx/build-onnx.js';

beforeAll(async () => {
  await initBackend();
});

const DEMO = join(import.meta.dirname, '..', 'demo', 'model');

function tinyOnnx(metadata: Record<string, string>): Uint8Array {
  return buildModel({
    opset: 13,
    metadata,
    inputs: [valueInfo('x', 'float32', ['N', 3])],
    outputs: [valueInfo('y', 'float32', ['N', 2])],
    nodes: [node('Gemm', ['x', 'W'], ['y'], {}, 'head')],
    initializers: [tensor('W', 'float32', [3, 2], [1, 0, 0, 1, 1, 1])],
  });
}

describe('parseNameList', () => {
  it.each([
    ['cat, dog ,bird', ['cat', 'dog', 'bird']],
    ['["cat","dog"]', ['cat', 'dog']],
    ["['left', 'right']", ['left', 'right']],
    ['', []],
  ])('%s', (text, names) => {
    expect(parseNameList(text)).toEqual(names);
  });
});

describe('classNamesFromMetadata', () => {
  it('takes xai.classes first, then the common spellings; arrays from model.json as they are', () => {
    expect(classNamesFromMetadata({ labels: 'a,b', 'xai.classes': 'x,y' })).toEqual(['x', 'y']);
    expect(classNamesFromMetadata({ class_names: "['no', 'yes']" })).toEqual(['no', 'yes']);
    expect(classNamesFromMetadata({ classNames: ['square', 'ring'] })).toEqual(['square', 'ring']);
  });
  it('is null without names, or when a list holds an empty name', () => {
    expect(classNamesFromMetadata({})).toBeNull();
    expect(classNamesFromMetadata({ classes: 'a,,b' })).toBeNull();
    expect(classNamesFromMetadata(null)).toBeNull();
  });
});

describe('XaiModel.classNames', () => {
  it('reads ONNX metadata_props', async () => {
    const model = await loadModel(tinyOnnx({ 'xai.classes': 'standard,target', producer_note: 'x' }));
    try {
      expect(model.classNames).toEqual(['standard', 'target']);
      expect(model.metadata.producer_note).toBe('x');
    } finally {
      model.dispose();
    }
  });
  it("reads a tfjs model.json's userDefinedMetadata, and is null without it", async () => {
    const json = JSON.parse(await readFile(join(DEMO, 'model.json'), 'utf8')) as Record<string, unknown>;
    const shards = { 'weights.bin': new Uint8Array(await readFile(join(DEMO, 'weights.bin'))) };
    const plain = await loadModel({ modelJson: { ...json, userDefinedMetadata: undefined }, shards });
    const named = await loadModel({ modelJson: { ...json, userDefinedMetadata: { classNames: ['a', 'b', 'c', 'd'] } }, shards });
    try {
      expect(plain.classNames).toBeNull();
      expect(named.classNames).toEqual(['a', 'b', 'c', 'd']);
    } finally {
      plain.dispose();
      named.dispose();
    }
  });
});
