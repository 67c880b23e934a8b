/** The dashboard's pure helpers: ticks, colour maps, the topography spline, slice geometry. */
import { describe, expect, it } from 'vitest';
import { channelSums, imageSize } from '../src/lib/channel-sums';
import { formatRemaining, remainingSeconds } from '../src/lib/eta';
import { capitalise, friendlyMessage } from '../src/lib/api';
import { relevanceColour } from '../src/lib/colours';
import { formatValue, ticks } from '../src/lib/ticks';
import { biharmonicSpline } from '@xai/modalities/biharmonic-spline';
import { dequantise } from '../src/lib/view-data';
import { voxelIndex, voxelOfPixel, worldOf } from '../src/lib/volume';

describe('ticks', () => {
  it('puts round values at their fraction of the axis', () => {
    const t = ticks(-0.25, 0.75, 5, ' s');
    expect(t.map((x) => x.label)).toEqual(['-0.2 s', '0.0 s', '0.2 s', '0.4 s', '0.6 s']);
    t.forEach((x, i) => expect(x.at).toBeCloseTo(0.05 + 0.2 * i, 9));
    expect(ticks(0, 4000, 4).map((t) => t.label)).toEqual(['0', '1000', '2000', '3000', '4000']);
    expect(ticks(1, 1)).toEqual([]);
    expect([formatValue(0.000123), formatValue(12.345), formatValue(0)]).toEqual(['1.23e-4', '12.3', '0']);
  });
});

describe('colours', () => {
  it('centres diverging maps on zero and shows |R| on sequential ones', () => {
    expect(relevanceColour('bwr', 0, 1)).toEqual([255, 255, 255]);
    expect(relevanceColour('bwr', 1, 1)).toEqual([255, 0, 0]);
    expect(relevanceColour('bwr', -5, 1)).toEqual([0, 0, 255]);
    expect(relevanceColour('coldnhot', 0, 1)).toEqual([0, 0, 0]);
    expect(relevanceColour('hot', -1, 1)).toEqual([255, 255, 255]);
    expect(relevanceColour('gray', 0, 0)).toEqual([0, 0, 0]);
  });
});

describe('topography spline', () => {
  it('passes through the electrode values', () => {
    const points: [number, number][] = [[0, 0], [0.5, 0], [0, 0.5], [-0.5, -0.2]];
    const f = biharmonicSpline(points, [1, -2, 0.5, 3]);
    points.forEach((p, i) => expect(f(p[0], p[1])).toBeCloseTo([1, -2, 0.5, 3][i]!, 9));
  });
});

describe('volume slices', () => {
  it('maps slice pixels to RAS voxels with anterior and superior up', () => {
    const dims = [4, 3, 2];
    expect(voxelOfPixel('axial', dims, [0, 0, 1], 3, 0)).toEqual([3, 2, 1]);
    expect(voxelOfPixel('coronal', dims, [0, 1, 0], 2, 1)).toEqual([2, 1, 0]);
    expect(voxelOfPixel('sagittal', dims, [1, 0, 0], 2, 0)).toEqual([1, 2, 1]);
    expect(voxelOfPixel('axial', dims, [0, 0, 0], 9, -3)).toEqual([3, 2, 0]);
    expect(voxelIndex(dims, [3, 1, 1])).toBe(21);
    expect(worldOf([[3, 0, 0, -10], [0, 3, 0, -20], [0, 0, 3, -30], [0, 0, 0, 1]], [1, 2, 3])).toEqual([-7, -14, -21]);
    expect(Array.from(dequantise({ scale: 2, steps: 1000, values: [500, -1000] }))).toEqual([1, -2]);
  });
});

describe('channel sums', () => {
  // a 2 × 3 image with 2 channels: channel k of pixel p holds 10·k + p
  const pixels = [0, 1, 2, 3, 4, 5];
  const channelsLast = pixels.flatMap((p) => [p, 10 + p]);
  const channelsFirst = [...pixels, ...pixels.map((p) => 10 + p)];

  it('sums the channels per pixel in both layouts to the same map', () => {
    const expected = pixels.map((p) => 10 + 2 * p);
    expect(Array.from(channelSums(channelsLast, [2, 3, 2]))).toEqual(expected);
    expect(Array.from(channelSums(channelsFirst, [2, 2, 3], 'channels-first'))).toEqual(expected);
    expect(Array.from(channelSums([1, 2, 3], [1, 3], 'channels-first'))).toEqual([1, 2, 3]); // no channel axis
  });

  it('reads height and width from either layout', () => {
    expect(imageSize([2, 3, 2])).toEqual({ height: 2, width: 3 });
    expect(imageSize([2, 2, 3], 'channels-first')).toEqual({ height: 2, width: 3 });
    expect(imageSize([4, 5], 'channels-first')).toEqual({ height: 4, width: 5 });
    expect(imageSize([7])).toEqual({ height: 1, width: 7 });
  });
});

describe('time left of a running job', () => {
  it('extrapolates the elapsed time by the share done, once there is something to go on', () => {
    expect(remainingSeconds(30, 0.25)).toBeCloseTo(90, 9);
    expect(remainingSeconds(1, 0.5)).toBeNull(); // under 2 s run
    expect(remainingSeconds(60, 0.005)).toBeNull(); // under 1 % done
    expect(remainingSeconds(60, 1)).toBeNull();
    expect([formatRemaining(42), formatRemaining(170), formatRemaining(3900), formatRemaining(0.4)]).toEqual(['about 40 s left', 'about 3 min left', 'about 1 h 5 min left', 'about 1 s left']);
  });
});

describe('server messages in words', () => {
  it('keeps a file name as written (a lower-case name was shown capitalised)', () => {
    expect(capitalise('scan.png: not a valid PNG file')).toBe('scan.png: not a valid PNG file');
    expect(capitalise('rec-01.edf has 3 channels')).toBe('rec-01.edf has 3 channels');
    expect(capitalise('the model needs 16 channels')).toBe('The model needs 16 channels');
    expect(friendlyMessage(422, 'unprocessable', 'recording.edf: the model needs 16 channels, the recording has 3: A1, A2, ECG')).toBe(
      'The file could not be used. recording.edf: the model needs 16 channels, the recording has 3: A1, A2, ECG.',
    );
  });
});
