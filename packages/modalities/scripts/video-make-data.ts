/**
 * Writes the video demo inputs to demo/video/inputs/ (deterministic: the clips come from seeded
 * generators, the GIFs from our own writer; the MP4s from Debian's ffmpeg/libx264, whose output
 * is stable for one ffmpeg version). Run by hand, the files are committed:
 *
 *   npx tsx packages/modalities/scripts/video-make-data.ts
 *
 *   motion-right.mp4, flash-left.mp4        H.264 (yuv420p, CRF 10) at 8 fps, 64×64 (pixels doubled)
 *   motion-left.gif, flash-right.gif        animated GIFs (median-cut palette, 12.5 cs per frame)
 *   flash-right-frames/frame-{1..12}.png    one clip as a folder of PNG frames (natural order)
 *   clips.json                              seed, task, label, event frames of every input
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng, type RgbaImage } from '@xai/core';
import { VIDEO_DEMO_DIR } from '../src/video/demo.js';
import { ffmpegBinaries } from '../src/video/ffmpeg-process.js';
import { encodeAnimatedGif } from '../src/video/gif-write.js';
import { encodeMp4 } from '../src/video/mp4-write.js';
import { plainFrames } from '../src/video/overlays.js';
import { CLIP_CLASSES, CLIP_FPS, CLIP_FRAMES, CLIP_SIZE, syntheticClip, type ClipTask } from '../src/video/synthetic-clips.js';

/** Seeds of the demo inputs: disjoint from training (1…), testing (2…) and the ground-truth test (5…). */
const DEMO_INPUTS = [
  { file: 'motion-right.mp4', task: 'motion', label: 1, seed: 900_001 },
  { file: 'motion-left.gif', task: 'motion', label: 0, seed: 900_002 },
  { file: 'flash-left.mp4', task: 'flash', label: 0, seed: 900_003 },
  { file: 'flash-right.gif', task: 'flash', label: 1, seed: 900_004 },
  { file: 'flash-right-frames', task: 'flash', label: 1, seed: 900_005 },
] as const;

function frameImages(values: Float32Array, upscale = 1): RgbaImage[] {
  const n = CLIP_SIZE * CLIP_SIZE * 3;
  return plainFrames(Array.from({ length: CLIP_FRAMES }, (_, t) => values.subarray(t * n, (t + 1) * n)), CLIP_SIZE, CLIP_SIZE, upscale);
}

async function main() {
  const dir = join(VIDEO_DEMO_DIR, 'inputs');
  mkdirSync(dir, { recursive: true });
  const manifest: unknown[] = [];
  for (const input of DEMO_INPUTS) {
    const clip = syntheticClip(input.task as ClipTask, input.seed, input.label);
    const frames = frameImages(clip.values);
    const path = join(dir, input.file);
    if (input.file.endsWith('.mp4')) {
      // 64×64 (each pixel doubled): yuv420p halves the colour resolution, and decoding with the
      // model's size shrinks the frames back to 32×32 (area resize), which averages that out
      const mp4 = await encodeMp4(frameImages(clip.values, 2), CLIP_FPS, ffmpegBinaries(), { crf: 10, name: input.file });
      if (!('bytes' in mp4)) throw new Error(`${input.file}: ${mp4.skipped}`);
      writeFileSync(path, mp4.bytes);
    } else if (input.file.endsWith('.gif')) {
      writeFileSync(path, encodeAnimatedGif(frames, { delayCs: 100 / CLIP_FPS }));
    } else {
      rmSync(path, { recursive: true, force: true });
      mkdirSync(path);
      // unpadded numbers: a plain string sort would put frame-10 before frame-2
      frames.forEach((f, t) => writeFileSync(join(path, `frame-${t + 1}.png`), encodePng(f)));
    }
    manifest.push({ ...input, className: CLIP_CLASSES[input.task as ClipTask][input.label], onset: clip.onset, eventFrames: clip.eventFrames });
    console.log(`${input.file}: ${input.task}, ${CLIP_CLASSES[input.task as ClipTask][input.label]}, event frames ${clip.eventFrames.join(' ')}`);
  }
  writeFileSync(join(dir, 'clips.json'), JSON.stringify({ fps: CLIP_FPS, frames: CLIP_FRAMES, size: CLIP_SIZE, inputs: manifest }, null, 2) + '\n');
  console.log(`written to ${dir}`);
}

await main();
