import { InvalidArgumentError } from '../../errors.js';

/** A partition of the spatial positions (row-major) of one sample into features. */
export interface Segmentation {
  /** Feature label of every spatial position, 0..count−1 (−1: the position belongs to no feature). */
  readonly labels: Int32Array;
  /** Number of features. */
  readonly count: number;
}

/**
 * A regular grid over 1, 2 or 3 spatial axes (signals, images, volumes): cells of `cellSize`
 * elements per axis (one number for all axes or one per axis), labelled row-major. Cells at the far
 * border are smaller when an extent is not a multiple of the cell size. For 1-D signals this is the
 * grouping of `groupSize` consecutive samples. `optionName` names the option in error messages.
 */
export function gridSegments(spatial: readonly number[], cellSize: number | readonly number[], optionName = 'cellSize'): Segmentation {
  if (spatial.length < 1 || spatial.length > 3 || spatial.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError(`a grid needs 1 to 3 positive spatial extents, got [${spatial}]`);
  }
  const size = typeof cellSize === 'number' ? spatial.map(() => cellSize) : [...cellSize];
  if (size.length !== spatial.length || size.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new InvalidArgumentError(
      `${optionName} needs ${spatial.length} positive integer(s) (one per spatial axis, or one for all), got ${JSON.stringify(cellSize)}`,
    );
  }
  const cells = spatial.map((n, i) => Math.ceil(n / size[i]!));
  const positions = spatial.reduce((a, b) => a * b, 1);
  const labels = new Int32Array(positions);
  const coord = spatial.map(() => 0);
  for (let p = 0; p < positions; p++) {
    let label = 0;
    for (let i = 0; i < spatial.length; i++) label = label * cells[i]! + Math.floor(coord[i]! / size[i]!);
    labels[p] = label;
    // Advance the row-major coordinate (last axis fastest).
    for (let i = spatial.length - 1; i >= 0; i--) {
      if (++coord[i] < spatial[i]!) break;
      coord[i] = 0;
    }
  }
  return { labels, count: cells.reduce((a, b) => a * b, 1) };
}
