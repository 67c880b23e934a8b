/**
 * The artefacts of an explained clip, from a relevance whose answer is known (all of it in frames
 * 3 and 4, positive in one, negative in another): PNG signatures and sizes, the animated GIF's
 * frame count and palette, the MP4's frames (read back by ffprobe) or the note why it is missing,
 * the temporal curve's numbers (shares sum to 1), per-frame overlays, and the quantiser.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '@xai/core';
import { Value } from 'typebox/value';
import {
  composeGif, quantizeFrames, syntheticClip, TemporalRelevanceViewSchema, videoAdapter, type Artefact, type DecodedInput, type RelevanceOf, type TemporalRelevanceView,
} from '../src/index.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const work = mkdtempSync(join(tmpdir(), 'xai-video-artefacts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A 12-frame 32×32 clip as PNG frames, and a relevance: +1 on the left half of frame 3, −0.5 on
 * frame 4's top rows, and +1/−1 on two pixels of frame 7 (cancelling: r_7 = 0, Σ|R| = 2).
 */
async function explainedClip(): Promise<{ decoded: DecodedInput; relevance: RelevanceOf }> {
  const clip = syntheticClip('flash', 4242, 1);
  const files = Array.from({ length: 12 }, (_, t) => {
    const rgba = new Uint8Array(32 * 32 * 4);
    for (let p = 0; p < 32 * 32; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(255 * clip.values[(t * 1024 + p) * 3 + c]!);
      rgba[p * 4 + 3] = 255;
    }
    return { name: `clip_${t}.png`, bytes: encodePng({ rgba, width: 32, height: 32 }) };
  });
  const decoded = await videoAdapter.decode(files, { frameRate: 8 });
  const values = new Float32Array(12 * 32 * 32 * 3);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 16; x++) values[((3 * 32 + y) * 32 + x) * 3] = 1;
  for (let y = 0; y < 4; y++) for (let x = 0; x < 32; x++) values[((4 * 32 + y) * 32 + x) * 3 + 1] = -0.5;
  values[(7 * 32 * 32 + 0) * 3] = 1;
  values[(7 * 32 * 32 + 1) * 3] = -1;
  return { decoded, relevance: { relevances: [{ values, shape: [12, 32, 32, 3] }], method: 'lrp', target: 1, targetName: 'right', logits: [-1, 2] } };
}

const named = (artefacts: Artefact[], name: string) => {
  const a = artefacts.find((x) => x.name === name);
  if (!a) throw new Error(`no artefact ${name} in ${artefacts.map((x) => x.name).join(', ')}`);
  return a;
};

describe('video artefacts', () => {
  let decoded: DecodedInput;
  let relevance: RelevanceOf;
  let artefacts: Artefact[];
  beforeAll(async () => {
    ({ decoded, relevance } = await explainedClip());
    artefacts = await videoAdapter.artefacts(decoded, relevance);
  });

  it('lists contact sheet, curve (PNG/JSON/CSV), GIF, MP4, per-frame overlays and the relevance JSON', () => {
    expect(artefacts.map((a) => a.name)).toEqual([
      'contact-sheet.png', 'temporal-relevance.png', 'temporal-relevance.json', 'temporal-relevance.csv', 'overlay.gif', 'overlay.mp4',
      ...Array.from({ length: 12 }, (_, t) => `overlay-frame-${String(t).padStart(2, '0')}.png`), 'relevance.json',
    ]);
    for (const a of artefacts.filter((x) => x.name.endsWith('.png'))) expect(Array.from(a.bytes.subarray(0, 8)), a.name).toEqual(PNG_SIGNATURE);
  });

  it('the temporal curve: shares of |r_t| and of Σ|R| sum to 1 and sit in frames 3 and 4 as planted; CSV and JSON agree', () => {
    const raw: unknown = JSON.parse(new TextDecoder().decode(named(artefacts, 'temporal-relevance.json').bytes));
    expect([...Value.Errors(TemporalRelevanceViewSchema, raw)]).toEqual([]); // the schema the dashboard's type comes from
    const json = raw as TemporalRelevanceView;
    expect(json.format).toBe('xai-video-temporal-relevance');
    expect(json.frames).toHaveLength(12);
    const shares = json.frames.map((f: { share: number }) => f.share);
    expect(shares.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
    // frame 3: r = 512 × 1 = 512; frame 4: r = −128 × 0.5 = −64; frame 7: r = 0 → shares 512/576, 64/576, 0
    expect(shares[3]).toBeCloseTo(512 / 576, 9);
    expect(shares[4]).toBeCloseTo(64 / 576, 9);
    expect(shares[7]).toBe(0);
    // Σ|R|: 512 + 64 + 2 = 578, so frame 7's cancelling pixels do count there
    const absShares = json.frames.map((f: { absShare: number }) => f.absShare);
    expect(absShares.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
    expect(absShares[3]).toBeCloseTo(512 / 578, 9);
    expect(absShares[7]).toBeCloseTo(2 / 578, 9);
    expect(json.frames[4].sum).toBeCloseTo(-64, 6);
    expect(json.total.sum).toBeCloseTo(448, 6);
    expect(json.peakFrame).toBe(3);
    expect(json.frames[5].time).toBeCloseTo(5 / 8, 9);
    expect(json.mp4).toBe('overlay.mp4');
    const csv = new TextDecoder().decode(named(artefacts, 'temporal-relevance.csv').bytes).trim().split('\n');
    expect(csv[0]).toBe('frame,source_frame,time_s,relevance,abs_relevance,positive_relevance,share,share_abs');
    expect(csv).toHaveLength(13);
    expect(Number(csv[4]!.split(',')[6])).toBeCloseTo(512 / 576, 9);
    expect(Number(csv[8]!.split(',')[7])).toBeCloseTo(2 / 578, 9);
  });

  it('the GIF holds every frame, enlarged, looping, with a quantised palette', () => {
    const gif = composeGif(named(artefacts, 'overlay.gif').bytes, 'overlay.gif');
    expect(gif.frames).toHaveLength(12);
    expect([gif.width, gif.height]).toEqual([96, 96]);
    expect(gif.loopCount).toBe(0);
    expect(gif.delays.every((d) => d === 13)).toBe(true); // 8 fps → 12.5 cs, rounded
    // frame 3's relevant left half is red in the overlay (bwr: positive), its right half keeps the frame's colours
    const f3 = gif.frames[3]!;
    const at = (x: number, y: number) => Array.from(f3.subarray((y * 96 + x) * 4, (y * 96 + x) * 4 + 3));
    const [r, g, b] = at(10, 60);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(90);
    expect(b).toBeLessThan(90);
  });

  it('the MP4 has every frame (ffprobe)', () => {
    const path = join(work, 'overlay.mp4');
    writeFileSync(path, named(artefacts, 'overlay.mp4').bytes);
    const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height,codec_name', '-of', 'json', path], { encoding: 'utf8' });
    expect(JSON.parse(probe.stdout).streams[0]).toMatchObject({ codec_name: 'h264', width: 96, height: 96, nb_read_frames: '12' });
  });

  it('without ffmpeg the MP4 is skipped and the GIF and JSON say why', async () => {
    const noFfmpeg = await videoAdapter.decode(
      Array.from({ length: 3 }, (_, t) => ({ name: `f${t}.png`, bytes: pngOf(t) })),
      { ffmpeg: '/nonexistent/ffmpeg' },
    );
    const out = await videoAdapter.artefacts(noFfmpeg, { ...relevance, relevances: [{ values: new Float32Array(3 * 4 * 4 * 3).fill(0.1), shape: [3, 4, 4, 3] }] });
    expect(out.some((a) => a.name === 'overlay.mp4')).toBe(false);
    expect(named(out, 'overlay.gif').description).toMatch(/no MP4: '\/nonexistent\/ffmpeg' was not found/);
    expect(JSON.parse(new TextDecoder().decode(named(out, 'temporal-relevance.json').bytes)).mp4).toMatch(/^no MP4: /);
  });

  it('overlay PNGs are enlarged frames; preview is a labelled contact sheet', async () => {
    const png = decodePng(named(artefacts, 'overlay-frame-03.png').bytes);
    expect([png.width, png.height]).toEqual([96, 96]);
    const sheet = decodePng(named(artefacts, 'contact-sheet.png').bytes);
    expect(sheet.width).toBeGreaterThan(6 * 96);
    const preview = await videoAdapter.preview(decoded);
    expect(Array.from(preview.bytes.subarray(0, 8))).toEqual(PNG_SIGNATURE);
  });

  it('refuses relevance of another shape, and frameImages/mp4 can be switched off', async () => {
    await expect(videoAdapter.artefacts(decoded, { ...relevance, relevances: [{ values: new Float32Array(10), shape: [10] }] })).rejects.toThrow(/relevance has 10 values.*\[12, 32, 32, 3\]/);
    const lean = await videoAdapter.artefacts(decoded, relevance, { frameImages: false, mp4: false, colormap: 'hot', mode: 'absolute' });
    expect(lean.map((a) => a.name)).toEqual(['contact-sheet.png', 'temporal-relevance.png', 'temporal-relevance.json', 'temporal-relevance.csv', 'overlay.gif', 'relevance.json']);
  });
});

/** A 4×4 PNG frame whose colours depend on t. */
function pngOf(t: number): Uint8Array {
  const rgba = new Uint8Array(4 * 4 * 4).map((_, k) => (k % 4 === 3 ? 255 : (t * 60 + k) % 256));
  return encodePng({ rgba, width: 4, height: 4 });
}

describe('palette quantisation', () => {
  it('keeps ≤ 256 colours exactly and maps many colours to their nearest palette entry', () => {
    const few = new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255, 0, 255, 0, 255]); // red, blue, green
    const q = quantizeFrames([few]);
    expect(q.palette.length).toBe(4); // 3 colours → padded to a power of two
    expect(q.indices[0]!.length).toBe(3);
    const colours = Array.from(q.indices[0]!, (i) => q.palette[i]);
    // 5-bit cells: each colour comes back within half a cell
    expect(colours[0]![0]).toBeGreaterThan(247);
    expect(colours[1]![2]).toBeGreaterThan(247);
    expect(colours[2]![1]).toBeGreaterThan(247);
    // 4096 colours: red along x, green along y, blue along the diagonal
    const gradient = new Uint8Array(64 * 64 * 4).map((_, k) => {
      const [x, y, c] = [(k >> 2) % 64, k >> 8, k % 4];
      return [x * 4, y * 4, (x + y) * 2, 255][c]!;
    });
    const many = quantizeFrames([gradient]);
    expect(many.palette.length).toBe(256);
    let worst = 0;
    many.indices[0]!.forEach((i, p) => {
      const d = Math.hypot(...[0, 1, 2].map((c) => many.palette[i]![c]! - gradient[p * 4 + c]!));
      worst = Math.max(worst, d);
    });
    expect(worst).toBeLessThan(60);
  });
});
