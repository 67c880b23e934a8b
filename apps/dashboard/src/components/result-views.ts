import type { Component } from 'svelte';
import type { ExplanationResult } from '../lib/types';
import AudioResult from './AudioResult.svelte';
import EegResult from './EegResult.svelte';
import FmriResult from './FmriResult.svelte';
import ImageResult from './ImageResult.svelte';
import TextResult from './TextResult.svelte';
import VideoResult from './VideoResult.svelte';
import VqaResult from './VqaResult.svelte';

/** What every modality view receives: the result, and the input's preview picture when it has one. */
export interface ResultViewProps {
  result: ExplanationResult;
  preview?: string | null;
}

/**
 * The view of each modality's results; a modality without one gets its PNG figures. Adding a
 * modality's view is one component and one line here.
 */
export const RESULT_VIEWS: Record<string, Component<ResultViewProps>> = {
  image: ImageResult,
  text: TextResult,
  audio: AudioResult,
  eeg: EegResult,
  fmri: FmriResult,
  video: VideoResult,
  vqa: VqaResult,
};
