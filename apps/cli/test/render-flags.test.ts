/** The rendering flags of `xai explain`, checked before anything runs (one line per mistake). */
import { describe, expect, it } from 'vitest';
import { checkRenderFlags, type RenderFlags } from '../src/write-outputs.js';

const defaults: RenderFlags = { reduce: 'sum', mode: 'signed', scale: 1 };

describe('checkRenderFlags', () => {
  it('accepts the defaults and every valid value', () => {
    expect(() => checkRenderFlags(defaults)).not.toThrow();
    expect(() => checkRenderFlags({ colormap: 'coldnhot', reduce: 'max-abs', mode: 'positive', clip: 99.5, scale: 8 })).not.toThrow();
    expect(() => checkRenderFlags({ ...defaults, clip: 100 })).not.toThrow();
  });

  it.each([
    [{ colormap: 'rainbow' }, /^--colormap rainbow is not one of bwr, .*gray/],
    [{ mode: 'weird' }, /^--mode weird is not one of signed, absolute, positive$/],
    [{ reduce: 'foo' }, /^--reduce foo is not one of sum, abs-sum, max-abs, l2$/],
    [{ clip: 150 }, /^--clip is a percentile in \(0, 100\], got 150$/],
    [{ clip: 0 }, /^--clip is a percentile in \(0, 100\], got 0$/],
    [{ clip: Number.NaN }, /^--clip is a percentile in \(0, 100\], got NaN$/],
    [{ scale: 0 }, /^--scale is a whole upscaling factor from 1 to 64, got 0$/],
    [{ scale: 2.5 }, /^--scale is a whole upscaling factor from 1 to 64, got 2.5$/],
    [{ scale: 1000 }, /^--scale is a whole upscaling factor from 1 to 64, got 1000$/],
  ] as [Partial<RenderFlags>, RegExp][])('refuses %j with one line naming the flag', (bad, message) => {
    expect(() => checkRenderFlags({ ...defaults, ...bad })).toThrow(message);
  });
});
