import { describe, expect, it } from 'vitest';
import { globFilter } from '../src/conformance/glob.js';

describe('conformance case/method globs', () => {
  it('includes by glob and excludes by a leading !', () => {
    const onlyOnnx = globFilter('onnx_*,!onnx_transformer');
    expect(['onnx_mlp', 'onnx_transformer', 'mlp'].filter(onlyOnnx)).toEqual(['onnx_mlp']);
    const allBut = globFilter('!onnx_transformer');
    expect(['onnx_mlp', 'onnx_transformer', 'cnn'].filter(allBut)).toEqual(['onnx_mlp', 'cnn']);
    expect(['a', 'b'].filter(globFilter(undefined))).toEqual(['a', 'b']);
  });
});
