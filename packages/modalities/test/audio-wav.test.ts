/** WAV reading: every common encoding round trips through files written by wavefile; bad files are named. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wavefile from 'wavefile';
import { afterAll, describe, expect, it } from 'vitest';
import { audioAdapter, InvalidAudioError, readWav, writeWav } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'xai-wav-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RATE = 11025;
/** A 0.1 s two-tone test signal at amplitude 0.9 (left) and its negative half (right). */
const left = Float64Array.from({ length: 1103 }, (_, i) => 0.9 * Math.sin((2 * Math.PI * 440 * i) / RATE) * Math.cos((2 * Math.PI * 3 * i) / RATE));
const right = left.map((v) => -0.5 * v);

/** Integer codes as wavefile expects them (8-bit unsigned), written to a real file and read back. */
function writeWithWavefile(name: string, channels: Float64Array[], bitDepth: string): Uint8Array {
  const encoded = channels.map((ch) => {
    if (bitDepth === '32f' || bitDepth === '64') return ch;
    const bits = Number(bitDepth);
    const max = 2 ** (bits - 1) - 1;
    return ch.map((v) => Math.round(v * max) + (bits === 8 ? 128 : 0));
  });
  const wav = new wavefile.WaveFile();
  wav.fromScratch(channels.length, RATE, bitDepth, encoded.length === 1 ? encoded[0]! : encoded);
  const path = join(dir, name);
  writeFileSync(path, wav.toBuffer());
  return new Uint8Array(readFileSync(path));
}

describe('readWav', () => {
  // PCM: rounding plus the asymmetric scale (negative values over 2^(n−1)); float32 storage: ~6e-8
  const tolerance: Record<string, number> = { '8': 1.5 / 128, '16': 1.5 / 32768, '24': 1.5 / 8388608 + 1e-7, '32': 1e-7, '32f': 1e-7 };

  for (const bitDepth of ['8', '16', '24', '32', '32f']) {
    it(`reads ${bitDepth === '32f' ? '32-bit float' : `${bitDepth}-bit PCM`} mono and stereo (mixed to mono by averaging)`, () => {
      const mono = readWav(writeWithWavefile(`mono-${bitDepth}.wav`, [left], bitDepth), `mono-${bitDepth}.wav`);
      expect(mono).toMatchObject({ sampleRate: RATE, channels: 1, frames: left.length, bitsPerSample: bitDepth === '32f' ? 32 : Number(bitDepth), encoding: bitDepth === '32f' ? 'float' : 'pcm' });
      expect(mono.duration).toBeCloseTo(left.length / RATE, 9);
      const stereo = readWav(writeWithWavefile(`stereo-${bitDepth}.wav`, [left, right], bitDepth), `stereo-${bitDepth}.wav`);
      expect(stereo.channels).toBe(2);
      let errMono = 0;
      let errStereo = 0;
      for (let i = 0; i < left.length; i++) {
        errMono = Math.max(errMono, Math.abs(mono.samples[i]! - left[i]!));
        errStereo = Math.max(errStereo, Math.abs(stereo.samples[i]! - (left[i]! + right[i]!) / 2));
      }
      expect(errMono).toBeLessThan(tolerance[bitDepth]!);
      expect(errStereo).toBeLessThan(tolerance[bitDepth]!);
      expect(Math.max(...mono.samples)).toBeGreaterThan(0.85); // full scale maps to ±1, not to ±1/256 etc.
    });
  }

  it("maps integers exactly as wavefile's toBitDepth('32f') does", () => {
    for (const bitDepth of ['8', '16', '24', '32']) {
      const bytes = writeWithWavefile(`ref-${bitDepth}.wav`, [left], bitDepth);
      const ref = new wavefile.WaveFile(bytes);
      ref.toBitDepth('32f');
      const expected = ref.getSamples(false, Float32Array) as unknown as Float32Array;
      expect(readWav(bytes, 'ref.wav').samples).toEqual(expected);
    }
  });

  it('writeWav round trips 16-bit and float, and 64-bit float files read', () => {
    const x = Float32Array.from(left);
    expect(readWav(writeWav(x, 8000, '32f'), 'w.wav').samples).toEqual(x);
    const back = readWav(writeWav([x, x], 8000, '16'), 'w.wav');
    expect(back.sampleRate).toBe(8000);
    expect(Math.max(...back.samples.map((v, i) => Math.abs(v - x[i]!)))).toBeLessThan(1.5 / 32768);
    expect(readWav(writeWithWavefile('f64.wav', [left], '64'), 'f64.wav').samples[5]).toBeCloseTo(left[5]!, 6);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE (24-bit PCM sub-format, 3 channels averaged)', () => {
    const bytes = writeWithWavefile('ext.wav', [left, right, left], '24');
    new DataView(bytes.buffer, bytes.byteOffset).setUint16(20, 0xfffe, true); // fmt chunk of 40 bytes, sub-format GUID PCM
    const wav = readWav(bytes, 'ext.wav');
    expect(wav).toMatchObject({ channels: 3, bitsPerSample: 24, encoding: 'pcm' });
    expect(wav.samples[100]).toBeCloseTo((2 * left[100]! + right[100]!) / 3, 6);
  });

  it('reads a WAV streamed to a pipe (placeholder sizes, as espeak-ng --stdout writes)', () => {
    const bytes = writeWithWavefile('stream.wav', [left], '16');
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setUint32(4, 0x7ffff024, true);
    view.setUint32(40, 0x7ffff000, true); // canonical 44-byte header: data size at 40
    expect(readWav(bytes, 'stream.wav').frames).toBe(left.length);
  });
});

describe('bad WAV files are named with the problem', () => {
  const good = () => writeWithWavefile('good.wav', [left], '16');
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['empty.wav', () => new Uint8Array(0), /^empty\.wav: empty file/],
    ['photo.wav', () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82]), /^photo\.wav: not a WAV file: no RIFF header/],
    ['notes.wav', () => new TextEncoder().encode('these are my notes, not audio at all'), /^notes\.wav: not a WAV file/],
    ['movie.wav', () => { const b = good(); b.set([65, 86, 73, 32], 8); return b; }, /^movie\.wav: not a WAV file: RIFF form type is "AVI "/],
    ['cut.wav', () => good().slice(0, 1000), /^cut\.wav: truncated data chunk: its header declares 2206 bytes, the file holds 956/],
    ['odd.wav', () => { const b = good(); new DataView(b.buffer).setUint32(40, 2205, true); return b; }, /^odd\.wav: truncated data chunk: 2205 bytes is not a whole number of 2-byte sample frames/],
    ['silent.wav', () => { const b = good().slice(0, 44); new DataView(b.buffer).setUint32(40, 0, true); return b; }, /^silent\.wav: empty: the data chunk holds no samples/],
    ['adpcm.wav', () => { const b = good(); new DataView(b.buffer).setUint16(20, 2, true); return b; }, /^adpcm\.wav: unsupported encoding: format code 0x0002 \(MS ADPCM\)/],
    ['twelve.wav', () => { const b = good(); new DataView(b.buffer).setUint16(34, 12, true); return b; }, /^twelve\.wav: unsupported encoding: 12-bit PCM/],
    ['nofmt.wav', () => { const b = good(); b.set([106, 117, 110, 107], 12); return b; }, /^nofmt\.wav: not a WAV file: no 'fmt ' chunk/],
  ];
  for (const [name, bytes, message] of cases) {
    it(name, () => {
      let error: unknown;
      try {
        readWav(bytes(), name);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(InvalidAudioError);
      expect((error as Error).message).toMatch(message);
      expect((error as InvalidAudioError).file).toBe(name);
    });
  }

  it('the adapter rejects them (no crash), naming the file', async () => {
    for (const [name, bytes, message] of cases) {
      await expect(audioAdapter.decode([{ name, bytes: bytes() }])).rejects.toThrow(message);
    }
  });
});
