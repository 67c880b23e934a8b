/**
 * The shipped video demo: models trained by `scripts/video-train.ts` on synthetic clips
 * (synthetic-clips.ts) and demo inputs written by `scripts/video-make-data.ts`, under demo/video/.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DemoInput, DemoModel } from '../adapter.js';
import { CLIP_CLASSES, type ClipTask } from './synthetic-clips.js';

export const VIDEO_DEMO_DIR = fileURLToPath(new URL('../../demo/video/', import.meta.url));
const at = (path: string) => fileURLToPath(new URL(`../../demo/video/${path}`, import.meta.url));

export const VIDEO_ARCHITECTURES = ['conv3d', 'cnn-lstm'] as const;
export type VideoArchitecture = (typeof VIDEO_ARCHITECTURES)[number];

/** The demo models: a Conv3D on the motion task, a TimeDistributed CNN + LSTM on the flash task. */
export const VIDEO_DEMO_PAIRS = [
  { task: 'motion', arch: 'conv3d' },
  { task: 'flash', arch: 'cnn-lstm' },
] as const satisfies readonly { task: ClipTask; arch: VideoArchitecture }[];

/** The model.json of a demo model (demo/video/<task>-<architecture>/). */
export const videoDemoModelPath = (task: ClipTask, arch: VideoArchitecture) => at(`${task}-${arch}/model.json`);

export const VIDEO_DEMO_MODELS = {
  motionConv3d: videoDemoModelPath('motion', 'conv3d'),
  flashCnnLstm: videoDemoModelPath('flash', 'cnn-lstm'),
} as const;

/** The demo inputs: per task an MP4 (H.264) and a GIF, and a flash clip as a folder of PNG frames. */
export const VIDEO_DEMO_FILES = {
  motion: { mp4: at('inputs/motion-right.mp4'), gif: at('inputs/motion-left.gif') },
  flash: { mp4: at('inputs/flash-left.mp4'), gif: at('inputs/flash-right.gif') },
  frameFolder: at('inputs/flash-right-frames'),
  manifest: at('inputs/clips.json'),
} as const;

/** The PNG files of the demo frame folder, in the order a directory listing gives them. */
export function videoDemoFrameFiles(): string[] {
  const dir = VIDEO_DEMO_FILES.frameFolder;
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.png')).map((f) => `${dir}/${f}`) : [];
}

const TASK_TEXT: Record<ClipTask, string> = {
  motion: 'a square that moves left or right for 3 frames (class = direction)',
  flash: 'a patch that flashes for 2 frames in the left or right half (class = side)',
};
const ARCH_TEXT: Record<VideoArchitecture, string> = {
  conv3d: 'Conv3D → Conv3D → global max pooling → Dense',
  'cnn-lstm': 'TimeDistributed CNN per frame → LSTM → Dense',
};

const modelName = (task: ClipTask, arch: VideoArchitecture) => `video-${task}-${arch}`;

export const videoDemoModels: DemoModel[] = VIDEO_DEMO_PAIRS.map(({ task, arch }) => ({
  name: modelName(task, arch),
  path: videoDemoModelPath(task, arch),
  description: `${ARCH_TEXT[arch]} on synthetic 12-frame 32×32 clips: ${TASK_TEXT[task]}`,
  classNames: CLIP_CLASSES[task],
}));

export const videoDemoInputs: DemoInput[] = [
  { name: 'video-motion-right-mp4', files: [VIDEO_DEMO_FILES.motion.mp4], description: 'synthetic clip (H.264 MP4, 64×64): the square moves right in frames 4–7', model: modelName('motion', 'conv3d') },
  { name: 'video-motion-left-gif', files: [VIDEO_DEMO_FILES.motion.gif], description: 'synthetic clip (animated GIF): the square moves left in frames 6–9', model: modelName('motion', 'conv3d') },
  { name: 'video-flash-left-mp4', files: [VIDEO_DEMO_FILES.flash.mp4], description: 'synthetic clip (H.264 MP4, 64×64): a patch flashes in the left half in frames 1–2', model: modelName('flash', 'cnn-lstm') },
  { name: 'video-flash-right-gif', files: [VIDEO_DEMO_FILES.flash.gif], description: 'synthetic clip (animated GIF): a patch flashes in the right half in frames 5–6', model: modelName('flash', 'cnn-lstm') },
  { name: 'video-flash-right-frames', files: videoDemoFrameFiles(), description: 'synthetic clip as a folder of 12 PNG frames (frame-1.png … frame-12.png): a flash on the right in frames 8–9', model: modelName('flash', 'cnn-lstm') },
];
