/** @xai/modalities — adapters from user files to model inputs and from relevance back to artefacts. */
export type { Artefact, AxisInfo, DecodedInput, DefaultExplanation, DemoInput, DemoModel, InputFile, ModalityAdapter, ModelInputSpec, RelevanceOf, SampleArray } from './adapter.js';
export { registerAdapter, listAdapters, adapterByName, adapterForFiles, modalityCatalog } from './registry.js';
export { relevanceArtefact, textArtefact } from './artefacts.js';
export {
  AudioViewSchema, EegViewSchema, FmriViewSchema, FmriVolumesViewSchema, FmriVolumePredictionSchema, FrameRelevanceSchema, QuantisedValuesSchema, TemporalRelevanceViewSchema, TextRelevanceSchema,
  TextRelevanceTokenSchema, VqaAnswerSchema, type QuantisedValues, type VqaAnswer,
} from './view-schemas.js';
export { imageAdapter } from './image/image-adapter.js';
export * from './text/index.js';
export * from './audio/index.js';
export * from './fmri/index.js';
export * from './eeg/index.js';
export * from './video/index.js';
export * from './vqa/index.js';
export { EEG_RESAMPLING, resample, resampleAt, resampledLength, resampleHalfWidth, type ResampleOptions } from './dsp/resample.js';
export { explainInput, modelInputSpecs, type ExplainedInput } from './explain-input.js';
export * from './dataset/index.js';
export * from './zip/index.js';
import { imageAdapter } from './image/image-adapter.js';
import { textAdapter } from './text/text-adapter.js';
import { audioAdapter } from './audio/audio-adapter.js';
import { fmriAdapter } from './fmri/fmri-adapter.js';
import { eegAdapter } from './eeg/eeg-adapter.js';
import { vqaAdapter } from './vqa/vqa-adapter.js';
import { videoAdapter } from './video/video-adapter.js';
import { registerAdapter } from './registry.js';

registerAdapter(imageAdapter);
registerAdapter(textAdapter);
registerAdapter(audioAdapter);
registerAdapter(fmriAdapter);
registerAdapter(eegAdapter);
registerAdapter(vqaAdapter);
registerAdapter(videoAdapter);
