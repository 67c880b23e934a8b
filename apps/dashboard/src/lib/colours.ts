/**
 * The colour maps of core's renderer (zennit's CMSL nodes), as CSS gradients and as functions, so
 * views recolour relevance in the browser without a new job. Diverging maps take t ∈ [-1, 1]
 * (0 at the centre node); sequential maps show |t|.
 */
export const COLORMAPS = ['bwr', 'seismic', 'coldnhot', 'hot', 'gray'] as const;
export type ColormapName = (typeof COLORMAPS)[number];
export type Rgb = [number, number, number];

/** Nodes at positions 0…1 (core's CMSL sources, e.g. coldnhot '0ff,00f,80:000,f00,ff0,fff'). */
const NODES: Record<ColormapName, [number, string][]> = {
  bwr: [[0, '#0000ff'], [128 / 255, '#ffffff'], [1, '#ff0000']],
  seismic: [[0, '#0000d0'], [128 / 255, '#d0d0d0'], [1, '#d00000']],
  coldnhot: [[0, '#00ffff'], [64 / 255, '#0000ff'], [128 / 255, '#000000'], [170 / 255, '#ff0000'], [213 / 255, '#ffff00'], [1, '#ffffff']],
  hot: [[0, '#000000'], [85 / 255, '#ff0000'], [170 / 255, '#ffff00'], [1, '#ffffff']],
  gray: [[0, '#000000'], [1, '#ffffff']],
};
const DIVERGING = new Set<string>(['bwr', 'seismic', 'coldnhot']);

export const isDiverging = (name: string): boolean => DIVERGING.has(name);
const nodesOf = (name: string) => NODES[name as ColormapName] ?? NODES.bwr;
const hex = (h: string): Rgb => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];

export function gradient(name: string): string {
  return `linear-gradient(to right, ${nodesOf(name).map(([at, c]) => `${c} ${(at * 100).toFixed(1)}%`).join(', ')})`;
}

/** A 256-entry lookup table of a colour map over [0, 1]. */
function table(name: string): Rgb[] {
  const nodes = nodesOf(name).map(([at, c]) => [at, hex(c)] as const);
  return Array.from({ length: 256 }, (_, k) => {
    const x = k / 255;
    let i = 1;
    while (i < nodes.length - 1 && nodes[i]![0] < x) i++;
    const [x0, c0] = nodes[i - 1]!;
    const [x1, c1] = nodes[i]!;
    const a = x1 > x0 ? Math.min(1, Math.max(0, (x - x0) / (x1 - x0))) : 0;
    return [0, 1, 2].map((j) => Math.round(c0[j]! * (1 - a) + c1[j]! * a)) as Rgb;
  });
}
const TABLES = new Map<string, Rgb[]>();

/**
 * Colour of relevance r on a scale of ±scale: diverging maps centre 0, sequential ones show |r|.
 * Returns a shared array entry: copy it before changing it.
 */
export function relevanceColour(name: string, r: number, scale: number): Rgb {
  let lut = TABLES.get(name);
  if (!lut) TABLES.set(name, (lut = table(name)));
  const t = scale > 0 && Number.isFinite(r) ? Math.max(-1, Math.min(1, r / scale)) : 0;
  const x = isDiverging(name) ? (t + 1) / 2 : Math.abs(t);
  return lut[Math.round(x * 255)]!;
}

/** bwr: blue (negative) → white → red (positive), t ∈ [-1, 1]. */
export function bwr(t: number): Rgb {
  const c = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const v = Math.round(255 * (1 - Math.abs(c)));
  return c >= 0 ? [255, v, v] : [v, v, 255];
}

export const rgb = ([r, g, b]: Rgb) => `rgb(${r}, ${g}, ${b})`;
