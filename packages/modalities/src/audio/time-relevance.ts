/**
 * Relevance over time, in the recording's own time base. The model sees a fixed window at its own
 * rate; window sample w holds recording time (w − offset)/rate seconds. Spectrogram relevance is
 * first summed over frequency per frame and spread evenly over the frame's hop, centred on the
 * frame; then every window sample's relevance goes to the time window of the recording it falls
 * in, or to the padding before/after the recording.
 */

/** Per-sample relevance of a window from per-frame relevance (frame j centred on sample centres[j]). */
export function spreadFrames(frameRelevance: ArrayLike<number>, centres: ArrayLike<number>, hop: number, length: number): Float32Array {
  const out = new Float32Array(length);
  const before = Math.floor(hop / 2);
  for (let j = 0; j < frameRelevance.length; j++) {
    const start = centres[j]! - before;
    const share = frameRelevance[j]! / hop;
    for (let w = Math.max(0, start); w < Math.min(length, start + hop); w++) out[w] += share;
  }
  return out;
}

/** Sum over bins of a [bin][frame] map: relevance per frame. */
export function sumOverFrequency(map: ArrayLike<number>, bins: number, frames: number): Float32Array {
  const out = new Float32Array(frames);
  for (let b = 0; b < bins; b++) for (let j = 0; j < frames; j++) out[j] += map[b * frames + j]!;
  return out;
}

export interface TimeWindow {
  /** Seconds in the recording. */
  readonly start: number;
  readonly end: number;
  /** Sample indices in the recording at its own rate, [startSample, endSample). */
  readonly startSample: number;
  readonly endSample: number;
  /** Σ R and Σ |R| of the window samples in it. */
  readonly relevance: number;
  readonly absRelevance: number;
  /** Whether any of it lay inside the model's window (parts of a cropped recording were not seen). */
  readonly seen: boolean;
}

export interface RecordingTimeRelevance {
  readonly windowSeconds: number;
  readonly windows: TimeWindow[];
  /** Relevance that fell on the zero padding before / after the recording. */
  readonly padding: { readonly before: { relevance: number; absRelevance: number }; readonly after: { relevance: number; absRelevance: number } };
}

export interface RecordingTimeBase {
  /** Rate of the model's window (Hz). */
  readonly rate: number;
  /** Window index of the recording's first sample (negative when cropped). */
  readonly offset: number;
  /** Duration of the recording, seconds. */
  readonly duration: number;
  /** Rate of the recording as read. */
  readonly recordingRate: number;
}

export function recordingTimeRelevance(sampleRelevance: Float32Array, base: RecordingTimeBase, windowSeconds: number): RecordingTimeRelevance {
  if (!(windowSeconds > 0)) throw new RangeError(`time window must be > 0 s, got ${windowSeconds}`);
  const count = Math.max(1, Math.ceil(base.duration / windowSeconds - 1e-9));
  const rel = new Float64Array(count);
  const abs = new Float64Array(count);
  const before = { relevance: 0, absRelevance: 0 };
  const after = { relevance: 0, absRelevance: 0 };
  for (let w = 0; w < sampleRelevance.length; w++) {
    const r = sampleRelevance[w]!;
    const t = (w - base.offset) / base.rate;
    if (t < 0) {
      before.relevance += r;
      before.absRelevance += Math.abs(r);
    } else if (t >= base.duration) {
      after.relevance += r;
      after.absRelevance += Math.abs(r);
    } else {
      const i = Math.min(count - 1, Math.floor(t / windowSeconds));
      rel[i] += r;
      abs[i] += Math.abs(r);
    }
  }
  const seenFrom = -base.offset / base.rate;
  const seenTo = (sampleRelevance.length - base.offset) / base.rate;
  const windows = Array.from({ length: count }, (_, i): TimeWindow => {
    const start = i * windowSeconds;
    const end = Math.min(base.duration, (i + 1) * windowSeconds);
    return {
      start,
      end,
      startSample: Math.round(start * base.recordingRate),
      endSample: Math.round(end * base.recordingRate),
      relevance: rel[i]!,
      absRelevance: abs[i]!,
      seen: end > seenFrom && start < seenTo,
    };
  });
  return { windowSeconds, windows, padding: { before, after } };
}

const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(7).replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1'));

/** CSV: start_s,end_s,start_sample,end_sample,relevance,abs_relevance,seen (one line per window). */
export function timeRelevanceCsv(t: RecordingTimeRelevance): string {
  const lines = ['start_s,end_s,start_sample,end_sample,relevance,abs_relevance,seen'];
  for (const w of t.windows) {
    lines.push([num(w.start), num(w.end), w.startSample, w.endSample, num(w.relevance), num(w.absRelevance), w.seen ? 1 : 0].join(','));
  }
  return lines.join('\n') + '\n';
}
