import { basename, dirname, join } from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { latin1 } from './ascii.js';
import { type ByteSource, fileSource, memorySource } from './byte-source.js';
import { InvalidEegFileError } from './errors.js';
import type { EegAnnotation, EegChannel, EegRecording } from './recording.js';

/** Header (.vhdr) and marker (.vmrk) files larger than this are not text headers. */
const MAX_TEXT_BYTES = 16 * 1024 * 1024;

type Sections = Map<string, Map<string, string>>;

/** INI-style text of a .vhdr/.vmrk file: `[Section]` lines and `Key=Value` entries, ';' comments. */
function parseIni(text: string): Sections {
  const sections: Sections = new Map();
  let current = new Map<string, string>();
  sections.set('', current);
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!.trim().toLowerCase(), current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1));
  }
  return sections;
}

function decodeText(file: string, bytes: Uint8Array): string {
  if (bytes.length > MAX_TEXT_BYTES) throw new InvalidEegFileError(file, 'size', `${bytes.length} bytes is too large for a BrainVision text file`);
  const rough = latin1(bytes.subarray(0, Math.min(bytes.length, 4096)));
  const utf8 = /^\s*Codepage\s*=\s*UTF-?8/im.test(rough) || bytes[0] === 0xef;
  return utf8 ? new TextDecoder('utf-8').decode(bytes).replace(/^\ufeff/, '') : latin1(bytes);
}

/** BrainVision escapes a comma inside a field as "\1". */
const unescape = (s: string) => s.replace(/\\1/g, ',');

const FORMATS = { INT_16: 2, UINT_16: 2, INT_32: 4, IEEE_FLOAT_32: 4 } as const;
type BinaryFormat = keyof typeof FORMATS;

export interface BrainVisionFiles {
  /** The .vhdr header (name and bytes). */
  readonly header: { readonly name: string; readonly bytes: Uint8Array };
  /** Finds a file the header names (DataFile, MarkerFile); null when absent. */
  readonly find: (name: string, extension: '.eeg' | '.vmrk') => ByteSource | null;
}

/** 'Stimulus/S  1' style descriptions (as MNE builds them), onset 0-based in seconds. */
function readMarkers(file: string, text: string, rate: number): { annotations: EegAnnotation[]; start: Date | null } {
  const ini = parseIni(text);
  if (!/^Brain ?Vision Data Exchange Marker File/i.test(text.trimStart())) {
    throw new InvalidEegFileError(file, 'first line', `not a BrainVision marker file: starts with ${JSON.stringify(text.slice(0, 40))}`);
  }
  const markers = ini.get('marker infos') ?? new Map<string, string>();
  const annotations: EegAnnotation[] = [];
  let start: Date | null = null;
  const entries = [...markers.entries()].filter(([k]) => /^mk\d+$/.test(k)).sort((p, q) => Number(p[0].slice(2)) - Number(q[0].slice(2)));
  for (const [key, value] of entries) {
    const fields = value.split(',');
    if (fields.length < 3) throw new InvalidEegFileError(file, `Mk${key.slice(2)}`, `needs at least type, description and position: '${value}'`);
    const [type, description, position, size, channel, date] = fields;
    const pos = Number(position);
    const len = size === undefined || size.trim() === '' ? 1 : Number(size);
    if (!Number.isInteger(pos) || pos < 0 || !Number.isInteger(len) || len < 0) {
      throw new InvalidEegFileError(file, `Mk${key.slice(2)}`, `position '${position}' and size '${size}' must be non-negative integers`);
    }
    const ch = channel === undefined || channel.trim() === '' ? 0 : Number(channel);
    annotations.push({
      onset: Math.max(0, pos - 1) / rate,
      duration: len / rate,
      description: `${unescape(type!.trim())}/${unescape(description!.trim())}`,
      ...(ch > 0 ? { channel: ch } : {}),
    });
    const d = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d{6})$/.exec((date ?? '').trim());
    if (start === null && type!.trim() === 'New Segment' && d && !/^0+$/.test(d[0])) {
      start = new Date(Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!, Math.floor(+d[7]! / 1000)));
    }
  }
  return { annotations, start };
}

/**
 * Reads a BrainVision recording (.vhdr + .vmrk + .eeg): binary INT_16, UINT_16, INT_32 or
 * IEEE_FLOAT_32, multiplexed or vectorized, little- or big-endian. Values are multiplied by each
 * channel's resolution (physical units as written, µV by default). Markers become annotations
 * named 'Type/Description' (as MNE names them), the 'New Segment' date the start.
 */
export function readBrainVision(files: BrainVisionFiles, options: { channels?: readonly string[]; chunkBytes?: number } = {}): EegRecording {
  const file = files.header.name;
  const fail = (field: string, detail: string): never => {
    throw new InvalidEegFileError(file, field, detail);
  };
  const text = decodeText(file, files.header.bytes);
  if (!/^Brain ?Vision Data Exchange Header File/i.test(text.trimStart())) {
    fail('first line', `not a BrainVision header: starts with ${JSON.stringify(text.trimStart().slice(0, 40))}, expected 'Brain Vision Data Exchange Header File …'`);
  }
  const ini = parseIni(text);
  const common = ini.get('common infos') ?? fail('[Common Infos]', 'section missing');
  const binary = ini.get('binary infos') ?? new Map<string, string>();
  const get = (section: Map<string, string>, key: string, name: string) => section.get(key.toLowerCase())?.trim() || fail(name, 'missing');
  const dataFile = get(common, 'DataFile', 'DataFile');
  const markerFile = common.get('markerfile')?.trim();
  const dataFormat = (common.get('dataformat') ?? 'BINARY').trim().toUpperCase();
  if (dataFormat !== 'BINARY') fail('DataFormat', `'${dataFormat}' is not supported (only BINARY)`);
  const orientation = (common.get('dataorientation') ?? 'MULTIPLEXED').trim().toUpperCase();
  if (orientation !== 'MULTIPLEXED' && orientation !== 'VECTORIZED') fail('DataOrientation', `must be MULTIPLEXED or VECTORIZED, got '${orientation}'`);
  const count = Number(get(common, 'NumberOfChannels', 'NumberOfChannels'));
  if (!Number.isInteger(count) || count < 1) fail('NumberOfChannels', `must be a positive integer, got '${common.get('numberofchannels')}'`);
  const interval = Number(get(common, 'SamplingInterval', 'SamplingInterval'));
  if (!(interval > 0) || !Number.isFinite(interval)) fail('SamplingInterval', `must be a positive number of microseconds, got '${common.get('samplinginterval')}'`);
  const rate = 1e6 / interval;
  const format = (binary.get('binaryformat') ?? fail('BinaryFormat', 'missing')).trim().toUpperCase() as BinaryFormat;
  if (!(format in FORMATS)) fail('BinaryFormat', `'${format}' is not supported (INT_16, UINT_16, INT_32, IEEE_FLOAT_32)`);
  const bigEndian = /^(yes|true|1)$/i.test((binary.get('usebigendianorder') ?? common.get('usebigendianorder') ?? 'NO').trim());

  const channelInfo = ini.get('channel infos') ?? fail('[Channel Infos]', 'section missing');
  const entries = [...channelInfo.keys()].filter((k) => /^ch\d+$/.test(k));
  if (entries.length !== count) fail('NumberOfChannels', `is ${count}, but [Channel Infos] lists ${entries.length} channels`);
  const infos = Array.from({ length: count }, (_, c) => {
    const raw = channelInfo.get(`ch${c + 1}`) ?? fail(`Ch${c + 1}`, 'missing from [Channel Infos]');
    const [name, reference, resolution, unit] = raw.split(',');
    const res = resolution === undefined || resolution.trim() === '' ? 1 : Number(resolution);
    if (!Number.isFinite(res) || res === 0) fail(`Ch${c + 1}`, `resolution '${resolution}' is not a non-zero number`);
    return { label: unescape(name!.trim()), reference: unescape((reference ?? '').trim()), resolution: res, unit: unit?.trim() || 'µV' };
  });

  const source = files.find(dataFile, '.eeg') ?? fail('DataFile', `'${dataFile}' was not given (BrainVision needs the .vhdr, .vmrk and .eeg files)`);
  const bps = FORMATS[format];
  const frame = count * bps;
  if (source.size % frame !== 0) {
    fail('DataFile', `${source.name} has ${source.size} bytes, not a whole number of samples of ${count} channels × ${bps} bytes (${format}): truncated or inconsistent`);
  }
  const samples = source.size / frame;
  // Integer samples times the resolution are stored as float32: the largest must stay finite.
  const largest = format === 'INT_16' ? 32768 : format === 'UINT_16' ? 65535 : format === 'INT_32' ? 2 ** 31 : 0;
  infos.forEach((info, c) => {
    if (largest * Math.abs(info.resolution) > 3.4028234663852886e38) {
      fail(`Ch${c + 1}`, `resolution ${info.resolution} times ${format} samples (up to ${largest}) exceeds the float32 range`);
    }
  });

  let keep = infos.map((_, c) => c);
  if (options.channels) {
    keep = options.channels.map((name) => {
      const c = infos.findIndex((i) => i.label === name);
      return c >= 0 ? c : fail('Channel Infos', `no channel '${name}'; the file has ${infos.map((i) => i.label).join(', ')}`);
    });
  }
  const outputs = keep.map(() => new Float32Array(samples));
  const read = (view: DataView, p: number): number => {
    switch (format) {
      case 'INT_16': return view.getInt16(p, !bigEndian);
      case 'UINT_16': return view.getUint16(p, !bigEndian);
      case 'INT_32': return view.getInt32(p, !bigEndian);
      default: return view.getFloat32(p, !bigEndian);
    }
  };
  const chunk = Math.max(frame, Math.floor((options.chunkBytes ?? 16 * 1024 * 1024) / frame) * frame);
  if (orientation === 'MULTIPLEXED') {
    for (let offset = 0; offset < source.size; offset += chunk) {
      const bytes = source.read(offset, chunk);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const t0 = offset / frame;
      const frames = bytes.length / frame;
      keep.forEach((c, k) => {
        const out = outputs[k]!;
        const res = infos[c]!.resolution;
        for (let t = 0, p = c * bps; t < frames; t++, p += frame) out[t0 + t] = read(view, p) * res;
      });
    }
  } else {
    keep.forEach((c, k) => {
      const out = outputs[k]!;
      const res = infos[c]!.resolution;
      const begin = c * samples * bps;
      const step = Math.floor(chunk / bps) * bps;
      for (let offset = 0; offset < samples * bps; offset += step) {
        const bytes = source.read(begin + offset, Math.min(step, samples * bps - offset));
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const t0 = offset / bps;
        for (let t = 0, p = 0; p < bytes.length; t++, p += bps) out[t0 + t] = read(view, p) * res;
      }
    });
  }

  let annotations: EegAnnotation[] = [];
  let start: Date | null = null;
  if (markerFile) {
    const marker = files.find(markerFile, '.vmrk') ?? fail('MarkerFile', `'${markerFile}' was not given (BrainVision needs the .vhdr, .vmrk and .eeg files)`);
    const markerText = decodeText(marker.name, marker.read(0, Math.min(marker.size, MAX_TEXT_BYTES + 1)).slice());
    ({ annotations, start } = readMarkers(marker.name, markerText, rate));
  }
  annotations.sort((p, q) => p.onset - q.onset);
  const channels: EegChannel[] = keep.map((c, k) => ({
    label: infos[c]!.label,
    unit: infos[c]!.unit,
    sampleRate: rate,
    samples: outputs[k]!,
    resolution: format === 'IEEE_FLOAT_32' ? 0 : Math.abs(infos[c]!.resolution),
    reference: infos[c]!.reference,
  }));
  return {
    format: 'BrainVision',
    file,
    start,
    channels,
    annotations,
    recordDuration: 1 / rate,
    recordOnsets: new Float64Array([0]),
    segments: [{ onset: 0, duration: samples / rate, firstRecord: 0, records: samples }],
    duration: samples / rate,
    info: { dataFile: source.name, ...(markerFile ? { markerFile } : {}), binaryFormat: format, orientation, version: text.trimStart().split(/\r?\n/)[0]!.trim() },
  };
}

/**
 * Finder over files given together (an upload): by the name the header gives, case-insensitively;
 * when that name is absent but exactly one file has the extension, that one (files are often renamed).
 */
export function brainVisionFromFiles(files: readonly { name: string; bytes: Uint8Array }[]): BrainVisionFiles {
  const header = files.find((f) => f.name.toLowerCase().endsWith('.vhdr'));
  if (!header) throw new InvalidEegFileError(files[0]?.name ?? '(none)', 'files', 'a BrainVision recording needs its .vhdr header file');
  return {
    header,
    find(name, extension) {
      const base = basename(name.replace(/\\/g, '/')).toLowerCase();
      const hit = files.find((f) => basename(f.name).toLowerCase() === base)
        ?? (() => {
          const same = files.filter((f) => f.name.toLowerCase().endsWith(extension));
          return same.length === 1 ? same[0] : undefined;
        })();
      return hit ? memorySource(hit.name, hit.bytes) : null;
    },
  };
}

/** Reads a BrainVision recording from disk (the .eeg file in bounded chunks); files are looked up next to the .vhdr. */
export function readBrainVisionFile(vhdrPath: string, options?: { channels?: readonly string[] }): EegRecording {
  const opened: (ByteSource & { close(): void })[] = [];
  try {
    return readBrainVision({
      header: { name: basename(vhdrPath), bytes: new Uint8Array(readFileSync(vhdrPath)) },
      find(name) {
        const path = join(dirname(vhdrPath), basename(name.replace(/\\/g, '/')));
        if (!existsSync(path) || !statSync(path).isFile()) return null;
        const source = fileSource(path);
        opened.push(source);
        return source;
      },
    }, options);
  } finally {
    opened.forEach((s) => s.close());
  }
}
