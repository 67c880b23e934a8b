import FFT from 'fft.js';

/**
 * Discrete Fourier transforms of any length in float64: X_k = Σ_n x_n·e^{−2πi·nk/N}.
 * Powers of two go straight to fft.js (radix-4); every other length uses Bluestein's chirp-z
 * algorithm, which rewrites the DFT as a convolution evaluated with power-of-two FFTs.
 */
export interface FftPlan {
  readonly size: number;
  /** Transforms (re, im) in place. Both arrays must have length `size`. */
  transform(re: Float64Array, im: Float64Array): void;
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** Radix-4 FFT (fft.js) on split arrays; sizes ≥ 2. */
class PowerOfTwoPlan implements FftPlan {
  private readonly fft: FFT;
  // fft.js runs faster on its own (plain, double-valued) arrays than on typed arrays
  private readonly input: number[];
  private readonly output: number[];

  constructor(readonly size: number) {
    this.fft = new FFT(size);
    this.input = this.fft.createComplexArray().fill(0);
    this.output = this.fft.createComplexArray().fill(0);
  }

  transform(re: Float64Array, im: Float64Array): void {
    this.run(re, im, false);
  }

  /** Unscaled inverse when `inverse` is set (fft.js divides by the size; undone here). */
  run(re: Float64Array, im: Float64Array, inverse: boolean): void {
    const { input, output, size } = this;
    for (let i = 0; i < size; i++) {
      input[2 * i] = re[i]!;
      input[2 * i + 1] = im[i]!;
    }
    if (inverse) this.fft.inverseTransform(output, input);
    else this.fft.transform(output, input);
    const k = inverse ? size : 1;
    for (let i = 0; i < size; i++) {
      re[i] = output[2 * i]! * k;
      im[i] = output[2 * i + 1]! * k;
    }
  }
}

/**
 * Bluestein: with nk = (n² + k² − (k − n)²)/2 and the chirp c_n = e^{−iπn²/N},
 * X_k = c_k · Σ_n (x_n·c_n)·conj(c_{k−n}), a linear convolution of length 2N − 1 done as a
 * circular one of a power-of-two length M ≥ 2N − 1. The chirp's phase uses n² mod 2N (exact in
 * integers), so it stays accurate for large n.
 */
class BluesteinPlan implements FftPlan {
  private readonly chirpRe: Float64Array;
  private readonly chirpIm: Float64Array;
  /** FFT of the zero-padded conj(chirp) filter, length M. */
  private readonly filterRe: Float64Array;
  private readonly filterIm: Float64Array;
  private readonly inner: PowerOfTwoPlan;
  private readonly bufRe: Float64Array;
  private readonly bufIm: Float64Array;

  constructor(readonly size: number) {
    const n = size;
    let m = 1;
    while (m < 2 * n - 1) m <<= 1;
    this.inner = new PowerOfTwoPlan(m);
    this.chirpRe = new Float64Array(n);
    this.chirpIm = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const angle = (Math.PI * ((i * i) % (2 * n))) / n;
      this.chirpRe[i] = Math.cos(angle);
      this.chirpIm[i] = -Math.sin(angle);
    }
    this.filterRe = new Float64Array(m);
    this.filterIm = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      this.filterRe[i] = this.chirpRe[i]!;
      this.filterIm[i] = -this.chirpIm[i]!;
      if (i > 0) {
        this.filterRe[m - i] = this.chirpRe[i]!;
        this.filterIm[m - i] = -this.chirpIm[i]!;
      }
    }
    this.inner.run(this.filterRe, this.filterIm, false);
    this.bufRe = new Float64Array(m);
    this.bufIm = new Float64Array(m);
  }

  transform(re: Float64Array, im: Float64Array): void {
    const { size: n, chirpRe, chirpIm, filterRe, filterIm, bufRe, bufIm } = this;
    const m = bufRe.length;
    for (let i = 0; i < n; i++) {
      bufRe[i] = re[i]! * chirpRe[i]! - im[i]! * chirpIm[i]!;
      bufIm[i] = re[i]! * chirpIm[i]! + im[i]! * chirpRe[i]!;
    }
    bufRe.fill(0, n);
    bufIm.fill(0, n);
    this.inner.run(bufRe, bufIm, false);
    for (let i = 0; i < m; i++) {
      const r = bufRe[i]! * filterRe[i]! - bufIm[i]! * filterIm[i]!;
      bufIm[i] = bufRe[i]! * filterIm[i]! + bufIm[i]! * filterRe[i]!;
      bufRe[i] = r;
    }
    this.inner.run(bufRe, bufIm, true);
    for (let k = 0; k < n; k++) {
      const r = bufRe[k]! / m;
      const q = bufIm[k]! / m;
      re[k] = r * chirpRe[k]! - q * chirpIm[k]!;
      im[k] = r * chirpIm[k]! + q * chirpRe[k]!;
    }
  }
}

/** Length 1: the identity. */
const unitPlan: FftPlan = { size: 1, transform: () => undefined };

const plans = new Map<number, FftPlan>();

/** A (cached) plan for transforms of length `n`: fft.js for powers of two, Bluestein otherwise. */
export function fftPlan(n: number): FftPlan {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT length must be a positive integer, got ${n}`);
  let plan = plans.get(n);
  if (!plan) {
    plan = n === 1 ? unitPlan : isPowerOfTwo(n) ? new PowerOfTwoPlan(n) : new BluesteinPlan(n);
    plans.set(n, plan);
  }
  return plan;
}

/** The DFT of (re, im) (im defaults to zeros), any length; returns new arrays. */
export function dft(re: ArrayLike<number>, im?: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const outRe = Float64Array.from(re);
  const outIm = im ? Float64Array.from(im) : new Float64Array(outRe.length);
  if (outIm.length !== outRe.length) throw new RangeError(`dft: re has ${outRe.length} values, im ${outIm.length}`);
  fftPlan(outRe.length).transform(outRe, outIm);
  return { re: outRe, im: outIm };
}

/** The DFT by its definition, O(N²): the reference the fast transforms are tested against. */
export function directDft(re: ArrayLike<number>, im?: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    cos[j] = Math.cos((2 * Math.PI * j) / n);
    sin[j] = Math.sin((2 * Math.PI * j) / n);
  }
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const j = (t * k) % n; // exact phase index
      const xr = re[t]!;
      const xi = im ? im[t]! : 0;
      sr += xr * cos[j]! + xi * sin[j]!;
      si += xi * cos[j]! - xr * sin[j]!;
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return { re: outRe, im: outIm };
}
