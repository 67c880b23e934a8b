/** The video modality: ffmpeg/GIF/frame-folder decoding, sampling, resizing, overlays, contact sheets, GIF/MP4 output, synthetic demo clips. */
export { videoAdapter, VIDEO_EXTENSIONS, type VideoInternal } from './video-adapter.js';
export { InvalidVideoError, FfmpegUnavailableError } from './errors.js';
export { constantRateTimeline, frameFromBytes, type FrameSource, type FrameTimeline, type RgbFrame } from './frames.js';
export { selectFrames, frameAt, type FrameSelection, type SamplingOptions } from './sampling.js';
export { resizeFrame, resolveResize, RESIZE_METHODS, type ResizeMethod } from './resize.js';
export { resolveClipShape, clipValues, type ClipShape, type ClipShapeRequest } from './clip-shape.js';
export { compareNatural, sortNatural } from './natural-order.js';
export { composeGif, openGifSource, type ComposedGif } from './gif-read.js';
export { openFrameFolder, isFrameImage, FRAME_EXTENSIONS, DEFAULT_FRAME_RATE } from './frame-folder.js';
export { ffmpegBinaries, ffmpegProblem, type FfmpegBinaries } from './ffmpeg-process.js';
export { openFfmpegSource, probeVideo, type VideoProbe } from './ffmpeg-decode.js';
export { encodeAnimatedGif, type GifOptions } from './gif-write.js';
export { encodeMp4, type Mp4Result } from './mp4-write.js';
export { quantizeFrames, type Quantized } from './palette-quantize.js';
export { relevanceOverlays, plainFrames, frameMaps, defaultUpscale, type OverlayOptions, type RelevanceOverlays } from './overlays.js';
export { contactSheet, type ContactSheetOptions } from './contact-sheet.js';
export { temporalRelevance, shareInFrames, absShareInFrames, temporalCsv, temporalView, temporalPlot, type FrameRelevance, type TemporalRelevanceView } from './temporal-relevance.js';
export {
  syntheticClip, syntheticClips, motionClip, flashClip,
  CLIP_FRAMES, CLIP_SIZE, CLIP_CHANNELS, CLIP_FPS, CLIP_SHAPE, CLIP_TASKS, CLIP_CLASSES, type ClipTask, type SyntheticClip,
} from './synthetic-clips.js';
export { VIDEO_DEMO_DIR, VIDEO_DEMO_MODELS, VIDEO_DEMO_PAIRS, VIDEO_DEMO_FILES, VIDEO_ARCHITECTURES, videoDemoModels, videoDemoInputs, videoDemoFrameFiles, videoDemoModelPath, type VideoArchitecture } from './demo.js';
export { temporalGroundTruth, clipAsFrameFiles, GROUND_TRUTH_SEED, type GroundTruthResult } from './ground-truth.js';
