/** The in-memory picture of one EEG recording, whatever format it came from. */

/** One signal at its own sample rate, in physical units. */
export interface EegChannel {
  /** Label as written in the file ('EEG Fz', 'Fz', 'EOG' …), trimmed. */
  readonly label: string;
  /** Physical dimension as written ('uV', 'µV', 'mV' …); '' when none. */
  readonly unit: string;
  /** Samples per second. */
  readonly sampleRate: number;
  /** Physical values (digital values scaled with the header's gain and offset). */
  readonly samples: Float32Array;
  /** Size of one digital step in physical units (the quantisation step); 0 for float formats. */
  readonly resolution: number;
  readonly transducer?: string;
  readonly prefilter?: string;
  readonly physicalMin?: number;
  readonly physicalMax?: number;
  readonly digitalMin?: number;
  readonly digitalMax?: number;
  /** BrainVision: reference channel name. */
  readonly reference?: string;
}

/** An annotation (EDF+ TAL entry, BrainVision marker): onset and duration in seconds from the start. */
export interface EegAnnotation {
  readonly onset: number;
  readonly duration: number;
  readonly description: string;
  /** BrainVision: 1-based channel number the marker refers to (0 or absent: all channels). */
  readonly channel?: number;
}

/** A contiguous stretch of a discontinuous (EDF+D) recording. */
export interface EegSegment {
  /** Onset of the segment in seconds from the recording start. */
  readonly onset: number;
  /** Duration in seconds. */
  readonly duration: number;
  /** Index of the first data record of the segment. */
  readonly firstRecord: number;
  readonly records: number;
}

export type EegFormat = 'EDF' | 'EDF+C' | 'EDF+D' | 'BDF' | 'BDF+C' | 'BDF+D' | 'BrainVision';

export interface EegRecording {
  readonly format: EegFormat;
  /** Name of the file it was read from (the .vhdr for BrainVision). */
  readonly file: string;
  /** Start of the recording (local wall-clock time, stored as UTC fields as the files carry no zone); null when unknown. */
  readonly start: Date | null;
  readonly channels: readonly EegChannel[];
  readonly annotations: readonly EegAnnotation[];
  /** EDF: duration of one data record in seconds; BrainVision: 1 / sample rate. */
  readonly recordDuration: number;
  /** Onset (s, from the first sample) of each data record: k·recordDuration for continuous files, from the time-keeping TALs for EDF+D. */
  readonly recordOnsets: Float64Array;
  /** Contiguous stretches: one for continuous files, one per gap-free run of records for EDF+D. */
  readonly segments: readonly EegSegment[];
  /** Total duration of the stored data in seconds (gaps excluded). */
  readonly duration: number;
  /** Header text fields (patient, recording, EDF+ subfields, BrainVision sections …). */
  readonly info: Readonly<Record<string, string>>;
}

/** Channel labels without the EDF+ type prefix ('EEG Fz' → 'Fz'); other labels unchanged. */
export function sensorName(label: string): string {
  const m = /^(EEG|EOG|ECG|EMG|MEG|MCG|EP|Resp|SaO2|Light|Sound|Event|Temp|REL)\s+(.+)$/i.exec(label.trim());
  return m ? m[2]!.trim() : label.trim();
}

/** Factor that converts values in `unit` to microvolts, or null when the unit is not a voltage. */
export function microvoltFactor(unit: string): number | null {
  const u = unit.trim();
  if (/^(uV|µV|μV|microV)$/i.test(u)) return 1;
  if (u === 'mV') return 1e3;
  if (u === 'V') return 1e6;
  if (u === 'nV') return 1e-3;
  return null;
}

/** Seconds from the recording start of sample `i` of `channel` (follows EDF+D record onsets). */
export function sampleTime(recording: EegRecording, channel: EegChannel, i: number): number {
  const perRecord = Math.round(channel.sampleRate * recording.recordDuration);
  if (perRecord <= 0) return i / channel.sampleRate;
  const record = Math.floor(i / perRecord);
  const onset = record < recording.recordOnsets.length ? recording.recordOnsets[record]! : record * recording.recordDuration;
  return onset + (i - record * perRecord) / channel.sampleRate;
}
