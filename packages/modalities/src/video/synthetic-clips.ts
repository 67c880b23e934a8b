/**
 * Synthetic video clips with a known answer, for the demo models and the ground-truth tests.
 *
 * A clip is CLIP_FRAMES frames of CLIP_SIZE × CLIP_SIZE RGB in [0, 1] at CLIP_FPS, on a background
 * of a random dim colour with a static texture (σ 0.05, the same in every frame) and sensor noise
 * (σ 0.03, new in every frame). Two tasks, each with the discriminative event confined to a known
 * set of frames (`eventFrames`):
 *
 * - **motion** (class = direction, 'left' | 'right'): a bright square (6 px) sits still, then moves
 *   3 px per frame for 3 steps starting at frame `onset` (2…6), then sits still again. The frames
 *   onset…onset+3 take part in the motion (4 of 12). The world wraps around horizontally, so the
 *   square's position on its own says nothing about the direction; a static square of another
 *   colour is a distractor present in every frame.
 * - **flash** (class = side, 'left' | 'right'): a square patch (8 px) in the left or right half turns
 *   bright for 2 frames starting at `onset` (1…9); the other frames hold nothing but background.
 *
 * Everything is drawn from a seeded generator: the same seed gives the same clip on every machine.
 */
import { mulberry32, normalDeviates } from '@xai/core';

export const CLIP_FRAMES = 12;
export const CLIP_SIZE = 32;
export const CLIP_CHANNELS = 3;
export const CLIP_FPS = 8;
export const CLIP_SHAPE = [CLIP_FRAMES, CLIP_SIZE, CLIP_SIZE, CLIP_CHANNELS] as const;

export const CLIP_TASKS = ['motion', 'flash'] as const;
export type ClipTask = (typeof CLIP_TASKS)[number];
/** Class names by output index, per task. */
export const CLIP_CLASSES: Record<ClipTask, readonly string[]> = { motion: ['left', 'right'], flash: ['left', 'right'] };

const MOTION = { size: 6, step: 3, steps: 3, firstOnset: 2, lastOnset: 6 } as const;
const FLASH = { size: 8, frames: 2, firstOnset: 1, lastOnset: 9, colour: [1, 0.95, 0.55] } as const;
const TEXTURE_SD = 0.05;
const NOISE_SD = 0.03;

export interface SyntheticClip {
  readonly task: ClipTask;
  /** [T, H, W, C] row-major, values in [0, 1]. */
  readonly values: Float32Array;
  readonly label: 0 | 1;
  readonly seed: number;
  /** First frame of the event. */
  readonly onset: number;
  /** The frames in which the discriminative event happens (ascending). */
  readonly eventFrames: readonly number[];
}

const at = (t: number, y: number, x: number) => ((t * CLIP_SIZE + y) * CLIP_SIZE + x) * CLIP_CHANNELS;
const wrap = (x: number) => ((x % CLIP_SIZE) + CLIP_SIZE) % CLIP_SIZE;
const int = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

/** A saturated colour of a random hue, brightness 0.75–1 (well above the background). */
function brightColour(rand: () => number): [number, number, number] {
  const hue = rand() * 6;
  const v = 0.75 + 0.25 * rand();
  const f = hue - Math.floor(hue);
  const rgb = [[1, f, 0], [1 - f, 1, 0], [0, 1, f], [0, 1 - f, 1], [f, 0, 1], [1, 0, 1 - f]][Math.floor(hue) % 6]!;
  return rgb.map((c) => v * (0.25 + 0.75 * c)) as [number, number, number];
}

/** Background colour + static texture in every frame, then fresh sensor noise per frame. */
function background(rand: () => number): { values: Float32Array; addNoise: () => void } {
  const normal = normalDeviates(rand);
  const base = [0.1 + 0.25 * rand(), 0.1 + 0.25 * rand(), 0.1 + 0.25 * rand()];
  const texture = Float32Array.from({ length: CLIP_SIZE * CLIP_SIZE * CLIP_CHANNELS }, (_, k) => base[k % 3]! + TEXTURE_SD * normal());
  const values = new Float32Array(CLIP_FRAMES * texture.length);
  for (let t = 0; t < CLIP_FRAMES; t++) values.set(texture, t * texture.length);
  const addNoise = () => {
    for (let p = 0; p < values.length; p++) values[p] = Math.min(1, Math.max(0, values[p]! + NOISE_SD * normal()));
  };
  return { values, addNoise };
}

function fillSquare(values: Float32Array, t: number, y0: number, x0: number, size: number, colour: readonly number[]): void {
  for (let y = y0; y < y0 + size; y++) for (let x = x0; x < x0 + size; x++) values.set(colour, at(t, y, wrap(x)));
}

export function motionClip(seed: number, label: 0 | 1): SyntheticClip {
  const rand = mulberry32(seed);
  const { values, addNoise } = background(rand);
  const onset = int(rand, MOTION.firstOnset, MOTION.lastOnset);
  const direction = label === 1 ? 1 : -1;
  const [y, x0] = [int(rand, 1, CLIP_SIZE - MOTION.size - 1), int(rand, 0, CLIP_SIZE - 1)];
  const colour = brightColour(rand);
  // distractor: still, another colour, in rows the moving square never touches
  let dy = int(rand, 1, CLIP_SIZE - MOTION.size - 1);
  while (Math.abs(dy - y) <= MOTION.size) dy = int(rand, 1, CLIP_SIZE - MOTION.size - 1);
  const dx = int(rand, 0, CLIP_SIZE - 1);
  const distractor = brightColour(rand);
  for (let t = 0; t < CLIP_FRAMES; t++) {
    const moved = Math.min(MOTION.steps, Math.max(0, t - onset));
    fillSquare(values, t, dy, dx, MOTION.size, distractor);
    fillSquare(values, t, y, x0 + direction * MOTION.step * moved, MOTION.size, colour);
  }
  addNoise();
  return { task: 'motion', values, label, seed, onset, eventFrames: Array.from({ length: MOTION.steps + 1 }, (_, k) => onset + k) };
}

export function flashClip(seed: number, label: 0 | 1): SyntheticClip {
  const rand = mulberry32(seed);
  const { values, addNoise } = background(rand);
  const onset = int(rand, FLASH.firstOnset, FLASH.lastOnset);
  const half = CLIP_SIZE / 2;
  const place = (side: number) => [int(rand, 1, CLIP_SIZE - FLASH.size - 1), side * half + int(rand, 1, half - FLASH.size - 1)] as const;
  const [y, x] = place(label);
  for (let t = onset; t < onset + FLASH.frames; t++) fillSquare(values, t, y, x, FLASH.size, FLASH.colour);
  addNoise();
  return { task: 'flash', values, label, seed, onset, eventFrames: Array.from({ length: FLASH.frames }, (_, k) => onset + k) };
}

export function syntheticClip(task: ClipTask, seed: number, label: 0 | 1): SyntheticClip {
  return task === 'motion' ? motionClip(seed, label) : flashClip(seed, label);
}

/** `count` clips of a task with alternating labels, seeds derived from `seed`. */
export function syntheticClips(task: ClipTask, count: number, seed: number): SyntheticClip[] {
  return Array.from({ length: count }, (_, n) => syntheticClip(task, seed * 100_003 + n, (n % 2) as 0 | 1));
}
