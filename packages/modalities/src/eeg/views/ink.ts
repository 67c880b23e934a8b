import type { RGB } from '@xai/core';

/** Greys of the EEG views (black, white and the fonts come from @xai/core's Canvas). */
export const GREY: RGB = [128, 128, 128];
export const LIGHT_GREY: RGB = [225, 225, 225];
