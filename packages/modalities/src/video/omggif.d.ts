/** Types of the parts of omggif 1.0 (CommonJS, GIF89a reader and writer) that the video modality uses. */
declare module 'omggif' {
  export interface GifFrameInfo {
    x: number;
    y: number;
    width: number;
    height: number;
    has_local_palette: boolean;
    palette_offset: number | null;
    palette_size: number | null;
    data_offset: number;
    data_length: number;
    /** Palette index drawn as transparent (left untouched by the blit), or null. */
    transparent_index: number | null;
    interlaced: boolean;
    /** In hundredths of a second. */
    delay: number;
    /** 0 unspecified, 1 keep, 2 restore to background, 3 restore to previous. */
    disposal: number;
  }

  export class GifReader {
    constructor(buf: Uint8Array);
    readonly width: number;
    readonly height: number;
    numFrames(): number;
    loopCount(): number | null;
    frameInfo(frame: number): GifFrameInfo;
    /** Draws the frame into a width × height RGBA canvas; transparent pixels are left as they are. */
    decodeAndBlitFrameRGBA(frame: number, pixels: Uint8Array | Uint8ClampedArray): void;
  }

  export interface GifWriterOptions {
    /** Global palette: 2…256 entries (a power of two) as 0xRRGGBB. */
    palette?: number[];
    /** Netscape loop count (0 = forever); omitted: no looping block. */
    loop?: number;
    background?: number;
  }

  export interface GifFrameOptions {
    palette?: number[];
    /** In hundredths of a second. */
    delay?: number;
    disposal?: number;
    transparent?: number | null;
  }

  export class GifWriter {
    constructor(buf: Uint8Array, width: number, height: number, options?: GifWriterOptions);
    addFrame(x: number, y: number, width: number, height: number, indexedPixels: ArrayLike<number>, options?: GifFrameOptions): number;
    /** Writes the trailer; returns the number of bytes used. */
    end(): number;
  }
}
