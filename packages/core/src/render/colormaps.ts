/** An RGB colour as three bytes (0..255). */
export type RGB = [r: number, g: number, b: number];

/** Maps t ∈ [0, 1] to a colour. Out-of-range t is clamped; NaN maps to 0.5 (the neutral colour of diverging maps). */
export type Colormap = (t: number) => RGB;

/**
 * Piecewise-linear colormap through `colors`, placed at `positions` (ascending, from 0 to 1)
 * or evenly spaced when omitted. Output channels are rounded to the nearest byte, so the
 * stops themselves are reproduced exactly.
 */
export function linearColormap(colors: readonly RGB[], positions?: readonly number[]): Colormap {
  const pos = positions ?? colors.map((_, i) => i / (colors.length - 1));
  if (colors.length < 2 || pos.length !== colors.length || pos[0] !== 0 || pos[pos.length - 1] !== 1) {
    throw new Error('linearColormap needs >= 2 colours with positions running from 0 to 1');
  }
  return (t) => {
    const x = Number.isNaN(t) ? 0.5 : Math.min(1, Math.max(0, t));
    let i = 1;
    while (i < pos.length - 1 && x > pos[i]!) i++;
    const [p0, p1] = [pos[i - 1]!, pos[i]!];
    const [c0, c1] = [colors[i - 1]!, colors[i]!];
    const a = p1 > p0 ? (x - p0) / (p1 - p0) : 1;
    return [0, 1, 2].map((k) => Math.round(c0[k]! + (c1[k]! - c0[k]!) * a)) as RGB;
  };
}

const BLUE: RGB = [0, 0, 255];
const RED: RGB = [255, 0, 0];
const WHITE: RGB = [255, 255, 255];
const BLACK: RGB = [0, 0, 0];
const YELLOW: RGB = [255, 255, 0];
const CYAN: RGB = [0, 255, 255];

export const COLORMAPS = {
  /** Diverging blue–white–red (matplotlib `bwr`), the usual LRP heatmap colouring. */
  bwr: linearColormap([BLUE, WHITE, RED]),
  /** Diverging, matplotlib `seismic`: dark blue → blue → white → red → dark red. */
  seismic: linearColormap([[0, 0, 77], BLUE, WHITE, RED, [128, 0, 0]]),
  /**
   * Diverging, zennit `coldnhot` ('0ff,00f,80:000,f00,ff0,fff'): cyan → blue → black at 0.5,
   * then red → yellow → white. Black is pinned exactly at 0.5 so zero relevance is black.
   */
  coldnhot: linearColormap([CYAN, BLUE, BLACK, RED, YELLOW, WHITE], [0, 0.25, 0.5, 2 / 3, 5 / 6, 1]),
  gray: linearColormap([BLACK, WHITE]),
  /** matplotlib `viridis`, sampled every 0.1 (indices 0, 25, 51, … of its 256-entry table). */
  viridis: linearColormap([
    [68, 1, 84], [72, 36, 117], [65, 68, 135], [53, 95, 141], [42, 120, 142], [33, 145, 140],
    [34, 168, 132], [68, 191, 112], [122, 209, 81], [189, 223, 38], [253, 231, 37],
  ]),
  /** Sequential black → red → yellow → white (zennit `hot`), for non-negative maps. */
  heat: linearColormap([BLACK, RED, YELLOW, WHITE]),
} satisfies Record<string, Colormap>;

export type ColormapName = keyof typeof COLORMAPS;

export const COLORMAP_NAMES = Object.keys(COLORMAPS) as ColormapName[];

/** Colormaps whose midpoint (t = 0.5) stands for zero; they are fed −scale..+scale. */
const DIVERGING: ReadonlySet<string> = new Set<ColormapName>(['bwr', 'seismic', 'coldnhot']);

export function isDiverging(name: ColormapName): boolean {
  return DIVERGING.has(name);
}

export function isColormapName(name: string): name is ColormapName {
  return Object.hasOwn(COLORMAPS, name); // not `in`: that would accept 'toString' etc.
}

export function getColormap(name: string): Colormap {
  if (!isColormapName(name)) {
    throw new Error(`Unknown colormap "${name}"; valid names are: ${COLORMAP_NAMES.join(', ')}`);
  }
  return COLORMAPS[name];
}
