import wavefile from 'wavefile';
import { InvalidAudioError } from './audio-error.js';

const { WaveFile } = wavefile;

/** A decoded WAV recording, mixed down to one channel, samples in [-1, 1]. */
export interface WavAudio {
  /** Mono samples (the mean of the channels), float in [-1, 1]. */
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Channels in the file (before the mix-down). */
  readonly channels: number;
  /** Bits per sample as stored. */
  readonly bitsPerSample: number;
  readonly encoding: 'pcm' | 'float';
  /** Sample frames (samples per channel). */
  readonly frames: number;
  /** Seconds. */
  readonly duration: number;
}

/** The sample encodings `writeWav` produces (wavefile's bit-depth codes). */
export type WavBitDepth = '8' | '16' | '24' | '32' | '32f';

const PCM_BITS = [8, 16, 24, 32];
/** Data sizes at or above this, larger than the file, are streaming placeholders (0x7FFFF000, 0xFFFFFFFF). */
const STREAMING_SIZE = 0x7fff0000;
const FLOAT_BITS = [32, 64];

const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'MS ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0055: 'MPEG layer 3',
};

const fourcc = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
const printable = (s: string) => JSON.stringify(s.replace(/[^\x20-\x7e]/g, '?'));

interface FmtChunk {
  format: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

/**
 * Walks the RIFF chunks before wavefile sees the bytes (wavefile silently accepts a data chunk
 * cut short, and reports most problems as "Not a supported format."), so each problem is named.
 */
function checkRiff(bytes: Uint8Array, file: string): { fmt: FmtChunk; bytes: Uint8Array } {
  if (bytes.length === 0) throw new InvalidAudioError(file, 'empty file (0 bytes)');
  if (bytes.length < 12) throw new InvalidAudioError(file, `not a WAV file: ${bytes.length} bytes, too short for a RIFF header`);
  const container = fourcc(bytes, 0);
  if (!['RIFF', 'RIFX', 'RF64'].includes(container)) {
    throw new InvalidAudioError(file, `not a WAV file: no RIFF header (starts with ${printable(container)})`);
  }
  if (fourcc(bytes, 8) !== 'WAVE') throw new InvalidAudioError(file, `not a WAV file: RIFF form type is ${printable(fourcc(bytes, 8))}, not "WAVE"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = container !== 'RIFX';
  let fmt: FmtChunk | undefined;
  let data: { size: number; available: number; sizeAt: number; placeholder: boolean } | undefined;
  for (let pos = 12; pos + 8 <= bytes.length; ) {
    const id = fourcc(bytes, pos);
    const size = view.getUint32(pos + 4, little);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new InvalidAudioError(file, `'fmt ' chunk is truncated (${Math.min(size, bytes.length - body)} of 16 bytes)`);
      let format = view.getUint16(body, little);
      if (format === 0xfffe && size >= 40 && body + 26 <= bytes.length) format = view.getUint16(body + 24, little); // WAVE_FORMAT_EXTENSIBLE: sub-format GUID
      fmt = {
        format,
        channels: view.getUint16(body + 2, little),
        sampleRate: view.getUint32(body + 4, little),
        blockAlign: view.getUint16(body + 12, little),
        bitsPerSample: view.getUint16(body + 14, little),
      };
    } else if (id === 'data') {
      // RF64 keeps the real size in its ds64 chunk (0xFFFFFFFF here); wavefile reads it.
      const declared = container === 'RF64' && size === 0xffffffff ? bytes.length - body : size;
      data = { size: declared, available: bytes.length - body, sizeAt: pos + 4, placeholder: container !== 'RF64' && size >= STREAMING_SIZE };
      break;
    }
    pos = body + size + (size % 2); // chunks are word-aligned
  }
  if (!fmt) throw new InvalidAudioError(file, "not a WAV file: no 'fmt ' chunk before the data");
  if (!data) throw new InvalidAudioError(file, "no 'data' chunk (the file holds no audio)");
  const { format, channels, sampleRate, blockAlign, bitsPerSample } = fmt;
  if (format === 1) {
    if (!PCM_BITS.includes(bitsPerSample)) throw new InvalidAudioError(file, `unsupported encoding: ${bitsPerSample}-bit PCM (supported: 8, 16, 24, 32-bit PCM and 32/64-bit float)`);
  } else if (format === 3) {
    if (!FLOAT_BITS.includes(bitsPerSample)) throw new InvalidAudioError(file, `unsupported encoding: ${bitsPerSample}-bit float`);
  } else {
    const name = FORMAT_NAMES[format] ?? 'unknown';
    throw new InvalidAudioError(file, `unsupported encoding: format code 0x${format.toString(16).padStart(4, '0')} (${name}); supported: PCM (1) and IEEE float (3)`);
  }
  if (channels < 1) throw new InvalidAudioError(file, "'fmt ' chunk declares 0 channels");
  if (!(sampleRate > 0)) throw new InvalidAudioError(file, "'fmt ' chunk declares a sample rate of 0 Hz");
  if (blockAlign !== (channels * bitsPerSample) / 8) {
    throw new InvalidAudioError(file, `'fmt ' chunk is inconsistent: block align ${blockAlign}, expected ${channels} channels × ${bitsPerSample / 8} bytes`);
  }
  let patched = bytes;
  if (data.size > data.available && data.placeholder) {
    // Written to a pipe (espeak-ng --stdout, sox, ffmpeg): the sizes are placeholders. The data
    // runs to the end of the file; wavefile gets a copy with the real sizes.
    const size = data.available - (data.available % blockAlign);
    patched = bytes.slice();
    const out = new DataView(patched.buffer);
    out.setUint32(data.sizeAt, size, little);
    out.setUint32(4, data.sizeAt + 4 + size - 8, little);
    data = { ...data, size };
  }
  if (data.size > data.available) {
    throw new InvalidAudioError(file, `truncated data chunk: its header declares ${data.size} bytes, the file holds ${data.available}`);
  }
  if (data.size === 0) throw new InvalidAudioError(file, 'empty: the data chunk holds no samples');
  if (data.size % blockAlign !== 0) {
    throw new InvalidAudioError(file, `truncated data chunk: ${data.size} bytes is not a whole number of ${blockAlign}-byte sample frames`);
  }
  return { fmt, bytes: patched };
}

/**
 * Integer samples to floats in place, as wavefile's `toBitDepth('32f')` maps them (positive values
 * over 2^(n−1) − 1, negative over 2^(n−1); 8-bit is unsigned around 128), without its per-sample
 * re-encoding (which takes ~100 ms per second of audio).
 */
function pcmToFloat(samples: Float64Array, bits: number): void {
  const negative = 2 ** (bits - 1);
  const positive = negative - 1;
  const shift = bits === 8 ? 128 : 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]! - shift;
    samples[i] = v > 0 ? v / positive : v / negative;
  }
}

/**
 * Reads a WAV file (RIFF/RIFX/RF64; 8/16/24/32-bit PCM, 32/64-bit float; any number of channels)
 * into mono float samples in [-1, 1]: wavefile parses the chunks, integers are mapped as its
 * `toBitDepth('32f')` does (see `pcmToFloat`), then the channels are averaged. Problems throw `InvalidAudioError` naming `file`.
 */
export function readWav(bytes: Uint8Array, file: string): WavAudio {
  const { fmt, bytes: checked } = checkRiff(bytes, file);
  let channels: Float64Array[];
  try {
    const wav = new WaveFile(checked);
    const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
    channels = Array.isArray(raw) ? raw : [raw];
  } catch (err) {
    throw new InvalidAudioError(file, `cannot decode WAV: ${(err as Error).message}`);
  }
  if (fmt.format === 1) channels.forEach((ch) => pcmToFloat(ch, fmt.bitsPerSample));
  const frames = channels[0]!.length;
  if (frames === 0) throw new InvalidAudioError(file, 'empty: the data chunk holds no samples');
  let samples: Float32Array;
  if (channels.length === 1) samples = Float32Array.from(channels[0]!);
  else {
    samples = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      let acc = 0;
      for (const ch of channels) acc += ch[i]!;
      samples[i] = acc / channels.length;
    }
  }
  for (let i = 0; i < frames; i++) {
    if (!Number.isFinite(samples[i]!)) throw new InvalidAudioError(file, `sample ${i} is not a finite number`);
  }
  return {
    samples,
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    bitsPerSample: fmt.bitsPerSample,
    encoding: fmt.format === 3 ? 'float' : 'pcm',
    frames,
    duration: frames / fmt.sampleRate,
  };
}

/**
 * Encodes float samples in [-1, 1] (one array per channel) as a WAV file: PCM of the given bit
 * depth (values clipped, rounded) or 32-bit float.
 */
export function writeWav(channels: Float32Array | readonly Float32Array[], sampleRate: number, bitDepth: WavBitDepth = '16'): Uint8Array {
  const list = channels instanceof Float32Array ? [channels] : [...channels];
  if (list.length === 0) throw new RangeError('writeWav needs at least one channel');
  const frames = list[0]!.length;
  if (list.some((c) => c.length !== frames)) throw new RangeError('writeWav: channels differ in length');
  const encoded = list.map((ch) => {
    if (bitDepth === '32f') return Float32Array.from(ch);
    const bits = Number(bitDepth);
    const max = 2 ** (bits - 1) - 1;
    const out = new Float64Array(frames);
    for (let i = 0; i < frames; i++) {
      const v = Math.round(Math.max(-1, Math.min(1, ch[i]!)) * max);
      out[i] = bits === 8 ? v + 128 : v; // 8-bit WAV is unsigned
    }
    return out;
  });
  const wav = new WaveFile();
  wav.fromScratch(list.length, sampleRate, bitDepth, encoded.length === 1 ? encoded[0]! : encoded);
  return wav.toBuffer();
}
