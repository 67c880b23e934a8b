/**
 * A synthetic oddball EEG data set with a known answer: background rhythms and noise on 16
 * channels, stimuli every 1.0–1.4 s ('stimulus/target' with probability 1/4, else
 * 'stimulus/standard'), and after each target a P300-like positive deflection on the
 * centro-parietal channels only, entirely inside a fixed post-stimulus window.
 */
import { mulberry32, normalDeviates } from '@xai/core';
import type { EegAnnotation } from './recording.js';

export const SYNTHETIC_CHANNELS = ['Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'T7', 'C3', 'Cz', 'C4', 'T8', 'P3', 'Pz', 'P4', 'Oz'] as const;

/** Where the P300 is planted: channel weights (others 0) and the post-stimulus window that holds it. */
export const PLANTED_P300 = {
  weights: { Cz: 0.8, P3: 0.8, Pz: 1, P4: 0.8 } as Readonly<Record<string, number>>,
  channels: ['Cz', 'P3', 'Pz', 'P4'] as readonly string[],
  /** Seconds after the stimulus; the deflection (a 0.2 s Hann bump centred at 0.33–0.39 s) lies inside. */
  window: [0.2, 0.5] as const,
};

export interface SyntheticEegOptions {
  readonly seconds: number;
  readonly seed: number;
  /** Default 256 Hz. */
  readonly sampleRate?: number;
  /** Probability of a target stimulus; default 0.25. */
  readonly targetProbability?: number;
  /** P300 peak amplitude range in µV; default [8, 14]. */
  readonly p300Amplitude?: readonly [number, number];
}

export interface SyntheticEeg {
  readonly sampleRate: number;
  readonly channels: readonly { label: string; samples: Float32Array }[];
  readonly annotations: readonly EegAnnotation[];
}

/** Pink-ish noise: a sum of AR(1) processes with time constants from 4 ms to 0.4 s, unit RMS. */
function pinkNoise(n: number, rate: number, normal: () => number): Float64Array {
  const out = new Float64Array(n);
  const taus = [0.004, 0.02, 0.1, 0.4];
  for (const tau of taus) {
    const a = Math.exp(-1 / (tau * rate));
    const g = Math.sqrt(1 - a * a); // unit-variance AR(1)
    let s = normal();
    for (let i = 0; i < n; i++) {
      s = a * s + g * normal();
      out[i] += s / Math.sqrt(taus.length);
    }
  }
  return out;
}

/** Slowly varying positive envelope (mean 1) for rhythms that wax and wane. */
function envelope(n: number, rate: number, normal: () => number): Float64Array {
  const out = new Float64Array(n);
  const a = Math.exp(-1 / (1.5 * rate));
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = a * s + Math.sqrt(1 - a * a) * normal();
    out[i] = Math.max(0, 1 + 0.5 * s);
  }
  return out;
}

const W = (map: Record<string, number>, fallback: number) => (ch: string) => map[ch] ?? fallback;
const ALPHA = W({ Oz: 1, P3: 0.6, Pz: 0.6, P4: 0.6, T7: 0.3, T8: 0.3 }, 0.2);
const THETA = W({ Fz: 1, F3: 0.8, F4: 0.8, Fp1: 0.5, Fp2: 0.5, F7: 0.4, F8: 0.4 }, 0); // frontal midline theta
const BETA = W({ C3: 1, C4: 1, Cz: 0.7, F3: 0.5, F4: 0.5 }, 0.3);
const BLINK = W({ Fp1: 1, Fp2: 1, F7: 0.35, F8: 0.35, F3: 0.3, Fz: 0.3, F4: 0.3, T7: 0.05, T8: 0.05 }, 0); // eye blinks fade towards the back

/** Generates one recording (values in µV). Deterministic for a seed. */
export function syntheticEeg(options: SyntheticEegOptions): SyntheticEeg {
  const rate = options.sampleRate ?? 256;
  const n = Math.round(options.seconds * rate);
  const rand = mulberry32(options.seed);
  const normal = normalDeviates(rand);
  const [pLow, pHigh] = options.p300Amplitude ?? [8, 14];
  const alphaFreq = 9.5 + rand();
  const thetaFreq = 5.5 + rand();
  const lineAmplitude = 2 + 2 * rand();

  // Stimuli: first after 2 s, SOA 1.0–1.4 s, none in the last 1.5 s.
  const annotations: EegAnnotation[] = [];
  const targets: { onset: number; amplitude: number; latency: number }[] = [];
  for (let t = 2 + rand(); t < options.seconds - 1.5; t += 1 + 0.4 * rand()) {
    const onset = Math.round(t * rate) / rate;
    const target = rand() < (options.targetProbability ?? 0.25);
    annotations.push({ onset, duration: 0, description: target ? 'stimulus/target' : 'stimulus/standard' });
    if (target) {
      targets.push({ onset, amplitude: pLow + (pHigh - pLow) * rand(), latency: 0.33 + 0.06 * rand() });
      annotations.push({ onset: Math.round((onset + 0.45 + 0.2 * rand()) * rate) / rate, duration: 0, description: 'response' });
    }
  }
  // Blinks: about one every 5 s.
  const blinks: number[] = [];
  for (let t = 1 + 5 * rand(); t < options.seconds - 0.5; t += 2 + 6 * rand()) blinks.push(t);

  const alphaEnv = envelope(n, rate, normal);
  const thetaEnv = envelope(n, rate, normal);
  const alphaPhase = 2 * Math.PI * rand();
  const thetaPhase = 2 * Math.PI * rand();
  const channels = SYNTHETIC_CHANNELS.map((label) => {
    const noise = pinkNoise(n, rate, normal);
    const betaPhase = 2 * Math.PI * rand();
    const drift = pinkNoise(n, rate / 200, normal); // very slow wander (τ scaled by 200)
    const x = new Float32Array(n);
    const [a, th, be, bl] = [ALPHA(label), THETA(label), BETA(label), BLINK(label)];
    for (let i = 0; i < n; i++) {
      const t = i / rate;
      x[i] = 5 * noise[i]!
        + 8 * a * alphaEnv[i]! * Math.sin(2 * Math.PI * alphaFreq * t + alphaPhase)
        + 3 * th * thetaEnv[i]! * Math.sin(2 * Math.PI * thetaFreq * t + thetaPhase)
        + 2 * be * Math.sin(2 * Math.PI * 20 * t + betaPhase)
        + lineAmplitude * Math.sin(2 * Math.PI * 50 * t)
        + 8 * drift[i]!;
    }
    for (const b of blinks) {
      const i0 = Math.round(b * rate);
      const len = Math.round(0.3 * rate);
      for (let j = 0; j < len && i0 + j < n; j++) x[i0 + j] += 100 * bl * Math.sin((Math.PI * j) / len) ** 2;
    }
    const w = PLANTED_P300.weights[label] ?? 0;
    if (w > 0) {
      for (const tg of targets) {
        const centre = tg.onset + tg.latency;
        const i0 = Math.ceil((centre - 0.1) * rate);
        const i1 = Math.floor((centre + 0.1) * rate);
        for (let i = Math.max(0, i0); i <= Math.min(n - 1, i1); i++) {
          const u = (i / rate - centre) / 0.2; // −0.5 … 0.5
          x[i] += w * tg.amplitude * Math.cos(Math.PI * u) ** 2;
        }
      }
    }
    return { label, samples: x };
  });
  annotations.sort((p, q) => p.onset - q.onset);
  return { sampleRate: rate, channels, annotations };
}

/**
 * Share of the absolute relevance of a [channels × samples] map that lies on `channels` within
 * [window[0], window[1]) seconds (epoch time, first sample at `tmin`): the ground-truth measure.
 */
export function relevanceShare(
  relevance: ArrayLike<number>, names: readonly string[], sampleRate: number, tmin: number,
  planted: { readonly channels: readonly string[]; readonly window: readonly [number, number] } = PLANTED_P300,
): number {
  const T = relevance.length / names.length;
  const j0 = Math.max(0, Math.round((planted.window[0] - tmin) * sampleRate));
  const j1 = Math.min(T, Math.round((planted.window[1] - tmin) * sampleRate));
  let inside = 0;
  let total = 0;
  names.forEach((name, c) => {
    const on = planted.channels.includes(name);
    for (let t = 0; t < T; t++) {
      const v = Math.abs(relevance[c * T + t]!);
      total += v;
      if (on && t >= j0 && t < j1) inside += v;
    }
  });
  return total > 0 ? inside / total : 0;
}
