/** Colour maps the image adapter knows, as CSS gradients and as functions of t ∈ [-1, 1]. */
export const COLORMAPS = ['bwr', 'seismic', 'coldnhot', 'hot', 'gray'] as const;

const STOPS: Record<string, string[]> = {
  bwr: ['#0000ff', '#ffffff', '#ff0000'],
  seismic: ['#00004c', '#0000ff', '#ffffff', '#ff0000', '#800000'],
  coldnhot: ['#00ffff', '#0000ff', '#000000', '#ff0000', '#ffff00'],
  hot: ['#000000', '#ff0000', '#ffff00', '#ffffff'],
  gray: ['#000000', '#ffffff'],
};

export function gradient(name: string): string {
  return `linear-gradient(to right, ${(STOPS[name] ?? STOPS.bwr!).join(', ')})`;
}

/** bwr: blue (negative) → white → red (positive), t ∈ [-1, 1]. */
export function bwr(t: number): [number, number, number] {
  const c = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const v = Math.round(255 * (1 - Math.abs(c)));
  return c >= 0 ? [255, v, v] : [v, v, 255];
}

export const rgb = ([r, g, b]: [number, number, number]) => `rgb(${r}, ${g}, ${b})`;
