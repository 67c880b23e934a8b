/** The fMRI modality: NIfTI-1/2 reading and writing, slice views, time courses, synthetic demo data. */
export { fmriAdapter, FMRI_EXTENSIONS, type FmriInternal, type Resampling } from './fmri-adapter.js';
export { resampleVolumes, fieldOfViewGrid, sameVoxelGrid, describeGrid, type VoxelGrid, type Interpolation, type ResampleOptions } from './resample-volume.js';
export { chooseLayout, modelGridDims, parseAxisOrder, reorderVolume, TIME_MODES, type FmriLayout, type TimeMode } from './fmri-layout.js';
export { InvalidNiftiError } from './errors.js';
export { readNifti, readNiftiFile, readNiftiStream, isGzip, type NiftiVolume, type ReadNiftiOptions } from './nifti-read.js';
export { writeNifti, type WriteNiftiOptions } from './nifti-write.js';
export {
  parseNiftiHeader, parseExtensions, sniffHeader, DEFAULT_MAX_VOXELS, XFORM_NAMES,
  type NiftiHeader, type NiftiExtension, type SpatialUnit, type TemporalUnit, type HeaderLimits,
} from './nifti-header.js';
export { NIFTI_DATATYPES, datatypeByCode, voxelDecoder, type NiftiDatatype, type ComplexPart } from './nifti-datatypes.js';
export {
  affineToQform, qformAffine, baseAffine, invertAffine, applyAffine, multiplyAffine, axisCodes, axisOrientation, voxelSizes,
  type Matrix4, type QformParams,
} from './affine.js';
export { viewContext, orthoView, axialMosaic, renderPlane, cutVoxel, denseGrid, voxelAt, type VolumeGrid, type ViewOptions, type MosaicOptions, type OrthoView, type Plane } from './volume-views.js';
export { timeCourses, timeCourseCsv, timeCoursePlot, type RelevanceSeries, type Region, type TimeCourse } from './time-course.js';
export {
  syntheticVolume, syntheticDataset, syntheticSeries, syntheticAnatomy, brainMask,
  SYNTHETIC_SHAPE, SYNTHETIC_CLASSES, SYNTHETIC_AFFINE, ACTIVATION_SITE, type SyntheticVolume, type SyntheticSeries,
} from './synthetic-volumes.js';
export { FMRI_DEMO_DIR, FMRI_DEMO_MODELS, FMRI_DEMO_FILES, FMRI_MODEL_AXES, fmriDemoModels, fmriDemoInputs } from './demo.js';
export { volumePredictions, volumePredictionsCsv, volumeScoresPlot, type VolumePredictionInput } from './volume-predictions.js';
export { fmriView, MAX_VIEW_VOXELS as FMRI_VIEW_MAX_VOXELS, type FmriView } from './view-json.js';
