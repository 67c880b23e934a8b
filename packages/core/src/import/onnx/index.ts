/** ONNX reading, normalisation and conversion to the engine's graph (`loadModel('model.onnx')` uses them). */
export { readOnnx, decodeOnnx, SUPPORTED_OPSETS, DEFAULT_MAX_ELEMENTS, type ReadOnnxOptions } from './read-onnx.js';
export type {
  OnnxModel, OnnxGraph, OnnxNode, OnnxTensor, OnnxTensorData, OnnxValueInfo, OnnxDim, OnnxDtype, OnnxAttributeValue,
} from './model.js';
export { defaultOpset } from './model.js';
export {
  OnnxModelError, OnnxFormatError, OnnxExternalDataError, OnnxShapeTooLargeError, OnnxDtypeError, OnnxGraphError,
  OnnxOpsetError, OnnxNodeError,
} from './errors.js';
export { int64Values, int64ToNumber } from './int64.js';
export { dtypeCode, dtypeFromCode } from './dtype.js';
export { intAttr, floatAttr, intsAttr, stringAttr, tensorAttr } from './normalize/attributes.js';
export { normalizeOnnx, type NormalizeOptions, type NormalizedOnnxModel } from './normalize/normalize.js';
export { constantsToInitializers } from './normalize/constants-to-initializers.js';
export { removeIdentities } from './normalize/remove-identities.js';
export { canonicalizeOpsetVariants, canonicalizeNode } from './normalize/canonical-form.js';
export { foldConstants, type FoldOptions, type FoldResult } from './normalize/fold-constants.js';
export { removeUnused } from './normalize/remove-unused.js';
export { recognizeGelu } from './normalize/recognize-gelu.js';
export { recognizeLayerNorm, type ShapeLookup } from './normalize/recognize-layer-norm.js';
export { dropZeroRecurrentStates } from './normalize/zero-recurrent-states.js';
export { inferNodeTypes, type ValueType } from './normalize/shape-inference.js';
export { inferShapes, type InferShapesOptions } from './normalize/infer-shapes.js';
export {
  registerOnnxOp, onnxOpConverter, supportedOnnxOps, UnsupportedOnnxOpError, batchAtLayout, batchAxisOf, type OnnxOpConverter, type OnnxConversionContext, type Layout, type StoredLayout, type BatchMovedLayout,
} from './convert/registry.js';
export { buildOnnxGraph, type OnnxGraphOptions, type OnnxModelGraph } from './convert/build-graph.js';
export { fuseLinear, type FuseOptions } from './convert/fuse-linear.js';
export { OnnxFunctionNode, type OnnxFunctionSpec } from './convert/function-node.js';
/** The engine's rearrangement nodes, for plugins' converters (they compile for every executor). */
export { ReshapeNode, PermuteNode } from '../../nodes/shape-nodes.js';
export { convertOnnx, type OnnxLoadOptions, type ConvertedOnnx } from './load-onnx.js';
