import { type ByteSource, fileSource, memorySource } from './byte-source.js';
import { type EdfHeader, type EdfHeaderOptions, type EdfSignalHeader, readEdfHeader } from './edf-header.js';
import { InvalidEegFileError } from './errors.js';
import type { EegAnnotation, EegChannel, EegFormat, EegRecording, EegSegment } from './recording.js';
import { parseTals, talAnnotations } from './tal.js';

export interface EdfReadOptions extends EdfHeaderOptions {
  /** Read only these signals (labels as in the file, or without their 'EEG ' type prefix); default all. */
  readonly channels?: readonly string[];
  /** Bytes read per step (whole data records); default 16 MiB. */
  readonly chunkBytes?: number;
}

/** EDF+ header subfields ('X' means unknown). */
function plusInfo(header: EdfHeader): Record<string, string> {
  const info: Record<string, string> = { patient: header.patient, recording: header.recording };
  if (header.plus === '') return info;
  const p = header.patient.split(' ');
  ['patientCode', 'sex', 'birthdate', 'patientName'].forEach((k, i) => p[i] !== undefined && (info[k] = p[i]!));
  const r = header.recording.split(' ');
  if (r[0] === 'Startdate') ['startdate', 'admincode', 'technician', 'equipment'].forEach((k, i) => r[i + 1] !== undefined && (info[k] = r[i + 1]!));
  return info;
}

function wanted(header: EdfHeader, file: string, channels?: readonly string[]): Set<number> {
  const data = header.signals.map((s, i) => [s, i] as const).filter(([s]) => !s.isAnnotation);
  if (!channels) return new Set(data.map(([, i]) => i));
  const out = new Set<number>();
  for (const name of channels) {
    const hit = data.find(([s]) => s.label === name) ?? data.find(([s]) => s.label.replace(/^\S+\s+/, '') === name);
    if (!hit) throw new InvalidEegFileError(file, 'label', `no signal '${name}'; the file has ${data.map(([s]) => s.label).join(', ')}`);
    out.add(hit[1]);
  }
  return out;
}

/** Contiguous runs of records (a gap or overlap starts a new one). */
function segmentsOf(onsets: Float64Array, duration: number): EegSegment[] {
  const segments: EegSegment[] = [];
  const tolerance = Math.max(1e-6, duration * 1e-6);
  let first = 0;
  for (let k = 1; k <= onsets.length; k++) {
    if (k === onsets.length || Math.abs(onsets[k]! - (onsets[k - 1]! + duration)) > tolerance) {
      segments.push({ onset: onsets[first]!, duration: (k - first) * duration, firstRecord: first, records: k - first });
      first = k;
    }
  }
  return segments;
}

/**
 * Reads an EDF, EDF+ (continuous or discontinuous), BDF or BDF+ recording. Data records are read
 * in bounded chunks straight into one Float32Array per signal (each signal at its own rate), so
 * the recording is held once, in physical units. EDF+ annotations come from every annotation
 * signal; the first TAL of each record gives the record's onset.
 */
export function readEdf(source: ByteSource, options: EdfReadOptions = {}): EegRecording {
  const file = source.name;
  const header = readEdfHeader(source, options);
  const keep = wanted(header, file, options.channels);
  const { records, recordSize, signals, recordDuration } = header;
  const annotationSignals = signals.filter((s) => s.isAnnotation);
  const outputs = new Map<EdfSignalHeader, Float32Array>();
  for (const i of keep) outputs.set(signals[i]!, new Float32Array(records * signals[i]!.samplesPerRecord));
  const targets = [...outputs.entries()];

  const recordOnsets = new Float64Array(records);
  for (let k = 0; k < records; k++) recordOnsets[k] = k * recordDuration;
  const annotations: EegAnnotation[] = [];
  const perChunk = Math.max(1, Math.floor((options.chunkBytes ?? 16 * 1024 * 1024) / recordSize));
  const three = header.bytesPerSample === 3;
  for (let k0 = 0; k0 < records; k0 += perChunk) {
    const n = Math.min(perChunk, records - k0);
    const bytes = source.read(header.headerBytes + k0 * recordSize, n * recordSize);
    if (bytes.length < n * recordSize) {
      throw new InvalidEegFileError(file, 'data record', `could read only ${bytes.length} of ${n * recordSize} bytes at data record ${k0}`);
    }
    for (const [sig, out] of targets) {
      const count = sig.samplesPerRecord;
      const { gain, offset } = sig;
      for (let r = 0; r < n; r++) {
        let p = r * recordSize + sig.recordOffset;
        let o = (k0 + r) * count;
        const end = o + count;
        if (three) {
          for (; o < end; o++, p += 3) out[o] = gain * (((bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16)) << 8) >> 8) + offset;
        } else {
          for (; o < end; o++, p += 2) out[o] = gain * (((bytes[p]! | (bytes[p + 1]! << 8)) << 16) >> 16) + offset;
        }
      }
    }
    for (let r = 0; r < n; r++) {
      annotationSignals.forEach((sig, a) => {
        const p = r * recordSize + sig.recordOffset;
        let tals;
        try {
          tals = parseTals(bytes.subarray(p, p + sig.samplesPerRecord * header.bytesPerSample));
        } catch (err) {
          throw new InvalidEegFileError(file, `${sig.label} (data record ${k0 + r + 1})`, (err as Error).message);
        }
        if (a === 0) {
          if (tals.length === 0) throw new InvalidEegFileError(file, `${sig.label} (data record ${k0 + r + 1})`, 'no time-keeping TAL');
          recordOnsets[k0 + r] = tals[0]!.onset;
        }
        annotations.push(...talAnnotations(tals));
      });
    }
  }
  if (header.plus === '+D') {
    for (let k = 1; k < records; k++) {
      if (recordOnsets[k]! < recordOnsets[k - 1]! + recordDuration - 1e-6) {
        throw new InvalidEegFileError(file, `${annotationSignals[0]!.label} (data record ${k + 1})`,
          `record starts at ${recordOnsets[k]} s, before the previous record ends (${recordOnsets[k - 1]! + recordDuration} s)`);
      }
    }
  } else if (header.plus === '+C') {
    for (let k = 1; k < records; k++) {
      const expected = recordOnsets[0]! + k * recordDuration;
      if (Math.abs(recordOnsets[k]! - expected) > Math.max(1e-6, 1e-6 * expected)) {
        throw new InvalidEegFileError(file, `${annotationSignals[0]!.label} (data record ${k + 1})`,
          `${header.kind}+C (continuous) but the record starts at ${recordOnsets[k]} s instead of ${expected} s`);
      }
    }
  }
  // EDF+: the first record's onset is the start's sub-second part (or a later start); like EDFlib
  // and MNE, times are counted from the first sample and the offset moves the start.
  const offset = header.plus !== '' && records > 0 ? recordOnsets[0]! : 0;
  if (offset !== 0) for (let k = 0; k < records; k++) recordOnsets[k] -= offset;
  const shifted = (offset === 0 ? annotations : annotations.map((a) => ({ ...a, onset: a.onset - offset }))).sort((p, q) => p.onset - q.onset);
  const start = header.start && offset !== 0 ? new Date(header.start.getTime() + Math.round(offset * 1000)) : header.start;

  const channels: EegChannel[] = targets.map(([sig, samples]) => ({
    label: sig.label,
    unit: sig.unit,
    sampleRate: sig.samplesPerRecord / recordDuration,
    samples,
    resolution: Math.abs(sig.gain),
    transducer: sig.transducer,
    prefilter: sig.prefilter,
    physicalMin: sig.physicalMin,
    physicalMax: sig.physicalMax,
    digitalMin: sig.digitalMin,
    digitalMax: sig.digitalMax,
  }));
  return {
    format: `${header.kind}${header.plus}` as EegFormat,
    file,
    start,
    channels,
    annotations: shifted,
    recordDuration,
    recordOnsets,
    segments: records > 0 ? segmentsOf(recordOnsets, recordDuration) : [],
    duration: records * recordDuration,
    info: { ...plusInfo(header), ...(offset !== 0 ? { startOffset: String(offset) } : {}), startdateField: header.startDate, starttimeField: header.startTime, reserved: header.reserved },
  };
}

/** Reads an EDF/BDF file held in memory (views into `bytes`, no copy of the file). */
export function readEdfBytes(name: string, bytes: Uint8Array, options?: EdfReadOptions): EegRecording {
  return readEdf(memorySource(name, bytes), options);
}

/** Reads an EDF/BDF file from disk in bounded chunks. */
export function readEdfFile(path: string, options?: EdfReadOptions): EegRecording {
  const source = fileSource(path);
  try {
    return readEdf(source, options);
  } finally {
    source.close();
  }
}
