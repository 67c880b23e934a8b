/** @xai/core — Layer-wise Relevance Propagation on TensorFlow.js. */
export { initBackend, type BackendName } from './backend.js';
export { XaiError, InvalidModelError, UnsupportedLayerError, InvalidArgumentError, BackendError } from './errors.js';
export { loadModel, XaiModel, type LoadOptions } from './model.js';
export { CLASS_NAME_KEYS, classNamesFromMetadata, parseNameList } from './model-classes.js';
export { assembleArtifacts, readModelFiles, type ModelBytes } from './load/model-files.js';
export { lrp, gradient, gradientXInput, guidedBackprop, deconvnet, compositeFor, explainWithComposite, type Explanation, type ExplainOptions, type LrpOptions } from './engine/explain-lrp.js';
export { propagateGraph, forwardAll, explainedTensor, resolveTargets, type Seed, type GraphPropagation, type GraphPropagationResult } from './engine/propagate.js';
export { propagate, type PropagateOptions, type Propagation } from './engine/propagate-model.js';
export { lrpOn, explainWithCompositeOn } from './engine/explain-on-executor.js';
export { resolveExecutor, appExecutor, ortInstalled, EXECUTORS, EXECUTOR_CHOICES, type ExecutorChoice, type ExecutorName, type ExecutorOptions, type ExecutionReport } from './engine/executor-choice.js';
export { ortSessionStats, releaseOrtSessions } from './executors/ort/session-cache.js';
export { NotCompilableError } from './executors/ort/not-compilable.js';
export { registerOrtNodeSteps, type OrtNodeSteps } from './executors/ort/node-extensions.js';
export type { Value as OrtValue, Values as OrtValues } from './executors/ort/values.js';
export { OrtUnavailableError } from './executors/ort/load-ort.js';
export { oneHotSeed, logitSeed, channelSeed, maskSeed } from './engine/seeds.js';
export type { ModelInput } from './engine/inputs.js';
export { startWorkers, stopWorkers, setPrefetchThreshold, workerStats } from './executors/worker/worker-executor.js';
export { localExecutor, localMap, type LinearExecutor } from './executors/linear-executor.js';
export { registerOpCodec, type OpDescription } from './executors/worker/op-codec.js';
export * from './composites/index.js';
export * from './rules/index.js';
export { registerNodeKind, FunctionNode, type NodeKindDefinition } from './nodes/function-node.js';
export { buildGraph } from './graph/build.js';
export { mergeBatchNorm, type BatchNormMerge } from './graph/canonize.js';
export type { ModelGraph } from './graph/graph.js';
export { GraphNode, autodiffVjp } from './graph/node.js';
export { LinearOp, DenseOp, ConvOp, DepthwiseConvOp, identityParams, onLinearOpDispose, type ParamModifier } from './graph/linear-op.js';
export { registerLayer, layerConverter, supportedLayerClasses, type LayerConverter, type ConversionContext, type Shape } from './graph/registry.js';
export { LinearNode, type LinearFamily } from './nodes/linear-node.js';
export { ActivationNode, activationFunction, registerActivation, supportedActivations, type ActivationFn, type ActivationParams } from './nodes/activation-node.js';
export * as ops from './ops/ops.js';
export * from './render/index.js';
export { writeFileAtomic } from './io/write-file-atomic.js';
export { sizeLimit, DEFAULT_LIMITS, type LimitName } from './io/limits.js';
export { modelSaveHandler, modelLoadHandler, type SaveHandlerOptions } from './io/model-file-handlers.js';
export { normalDeviates } from './random/normal-deviates.js';
export { mulberry32 } from './random/mulberry32.js';
export { runDemo, DEMO_MODEL, DEMO_INPUTS, type DemoOptions, type DemoResult } from './demo/run-demo.js';
export { generateShapes, CLASS_NAMES as SHAPE_CLASSES, type ShapesDataset } from './demo/synthetic-shapes.js';
export { runConformance, type ConformanceOptions, type ConformanceSummary } from './conformance/run-conformance.js';
export { registerReferenceMethod, MethodNotAvailable, type MethodRunner } from './conformance/methods.js';
export { compareRelevance, readReferenceCase, type ReferenceCase } from './conformance/reference-case.js';
export { explain, type ExplainRequest, type ExplainResult } from './methods/explain.js';
export {
  registerMethod, methodByName, methodCost, listMethods, methodsFor, methodCatalog, METHOD_FAMILIES, type MethodCost, type MethodDefinition, type MethodFamily, type TargetOptions,
} from './methods/registry.js';
export { MethodContext, CancelledError, type Progress, type MethodRunOptions } from './methods/method-context.js';
export { resolveOptions, optionsAsJson, type OptionSchema, type ObjectSchema, type AnyObjectSchema, type OptionsOf } from './methods/option-schema.js';
export { bound } from './methods/bounds.js';
/** TypeBox, for declaring the options of plugin rules, composites and methods (the version core validates with). */
export { Type, type Static, type TObject } from 'typebox';
export { onePassMethod } from './methods/sync-method.js';
export { quadrature, gaussLegendre, type Quadrature, type QuadratureRule } from './methods/quadrature.js';
export { gaussianBlur, gaussianBlurValues, gaussianKernel } from './ops/gaussian-blur.js';
export { oneHotRows, scatterAlong } from './ops/scatter-along.js';
export { sensitivity, type SensitivityOptions } from './methods/gradient-method.js';
export { deepTaylorDecomposition, type DeepTaylorOptions } from './methods/deep-taylor.js';
export { integratedGradients, type IntegratedGradientsOptions } from './methods/integrated-gradients.js';
export { defaultOcclusionGrid, MAX_DEFAULT_OCCLUSION_WINDOWS, occlusion, type OcclusionOptions } from './methods/occlusion.js';
export { noiseTunnel, type SmoothGradOptions, type NoiseAggregate } from './methods/smoothgrad.js';
export { lime, limeFeatures, limeMethod, type LimeOptions, type LimeExplanation, type LimeSegmentation } from './methods/lime.js';
export { slic, type SlicOptions } from './methods/superpixels/slic.js';
export { gridSegments, type Segmentation } from './methods/superpixels/grid.js';
export { ridgeRegression, type RidgeOptions, type RidgeResult } from './methods/ridge.js';
export { attentionRollout, attentionRolloutMethod, attentionRolloutOn, type AttentionRolloutOptions } from './methods/attention-rollout.js';
export { explainAt, encoderInput, activationAt, type ExplainAtRequest, type ExplainAtResult } from './methods/explain-at.js';
export { LayerNormNode } from './nodes/layer-norm-node.js';
export { MatMulNode } from './nodes/matmul-node.js';
export { recognizeAttention, attentionSoftmaxes, softmaxSource } from './graph/recognize-attention.js';
export { graphFrom } from './graph/graph-from.js';
export { meaningfulPerturbation, meaningfulPerturbationObjective, type MeaningfulPerturbationOptions, type MeaningfulPerturbationExplanation } from './methods/meaningful-perturbation.js';
export {
  readInputFile, decodeInput, INPUT_EXTENSIONS, type ReadInputOptions, type InputArray, type InputScale,
} from './io/read-input.js';
export {
  readOnnx, decodeOnnx, normalizeOnnx, inferShapes, SUPPORTED_OPSETS as ONNX_SUPPORTED_OPSETS,
  OnnxModelError, OnnxFormatError, OnnxExternalDataError, OnnxShapeTooLargeError, OnnxDtypeError, OnnxGraphError, OnnxOpsetError, OnnxNodeError,
  type ReadOnnxOptions, type NormalizeOptions as OnnxNormalizeOptions, type NormalizedOnnxModel,
  type OnnxModel, type OnnxGraph, type OnnxNode, type OnnxTensor, type OnnxValueInfo, type OnnxDim, type OnnxDtype, type OnnxAttributeValue,
} from './import/onnx/index.js';
export * as onnxImport from './import/onnx/index.js';
export { loadPlugins, pluginsFromEnv } from './plugins.js';
export { registerOnnxOp, supportedOnnxOps, UnsupportedOnnxOpError, type OnnxOpConverter, type OnnxConversionContext } from './import/onnx/convert/registry.js';
