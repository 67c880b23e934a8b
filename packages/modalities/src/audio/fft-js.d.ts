/** Types of the parts of fft.js 4 (CommonJS, radix-4, power-of-two sizes) that dft.ts uses. */
declare module 'fft.js' {
  export default class FFT {
    constructor(size: number);
    readonly size: number;
    /** Interleaved complex array [re0, im0, re1, im1, …] of length 2·size. */
    createComplexArray(): number[];
    /** Forward transform of interleaved complex `data` into `out` (distinct arrays). */
    transform(out: ArrayLike<number> & { [i: number]: number }, data: ArrayLike<number>): void;
    /** Inverse transform, scaled by 1/size. */
    inverseTransform(out: ArrayLike<number> & { [i: number]: number }, data: ArrayLike<number>): void;
  }
}
