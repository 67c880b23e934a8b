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

// ---- zennit's colour-map specification language (CMSL) ---------------------------------------

/** A compiled CMSL colour map: node positions on the 0..255 index axis (plus a sentinel at 256) and their colours. */
export interface CmslNodes {
  readonly indices: readonly number[];
  readonly colors: readonly RGB[];
}

const CMSL_TOKEN = /(?<longcolor>[0-9a-fA-F]{6})|(?<shortcolor>[0-9a-fA-F]{3})|(?<index>[0-9a-fA-F]{1,2})|(?<adsep>:)|(?<sep>,)|(?<whitespace>\s+)|(?<error>.+)/g;

type CmslTokenType = 'longcolor' | 'shortcolor' | 'index' | 'adsep' | 'sep' | 'whitespace' | 'error';

/**
 * Compile zennit's colour-map specification language: comma-separated colours (`rgb` or
 * `rrggbb` hex), each optionally prefixed by a hex index `i:` / `ii:` on the 0..255 axis.
 * Un-indexed colours are spread evenly between their indexed neighbours (the first and last
 * default to 0 and 255), with the same truncation zennit uses, so e.g. `'00f,80:fff,f00'`
 * (zennit's `bwr`) puts white at index 0x80 = 128.
 */
export function compileCmsl(source: string): CmslNodes {
  const fail = (detail: string): never => {
    throw new Error(`Invalid colour-map source "${source}": ${detail}`);
  };
  // Parse tokens into nodes (index or null, colour).
  const nodes: { index: number | null; color: RGB }[] = [];
  const log: CmslTokenType[] = [];
  let pendingIndex: string | null = null;
  for (const m of source.matchAll(CMSL_TOKEN)) {
    const type = Object.entries(m.groups!).find(([, v]) => v !== undefined)![0] as CmslTokenType;
    const value = m[0];
    if (type === 'index' && log.length === 0) {
      log.push(type);
      pendingIndex = value;
    } else if (type === 'adsep' && log.length === 1 && log[0] === 'index') {
      log.push(type);
    } else if (type === 'shortcolor' || type === 'longcolor') {
      let index: number | null = null;
      if (log.length === 2 && log[0] === 'index') {
        index = Number.parseInt(pendingIndex!.length === 1 ? pendingIndex!.repeat(2) : pendingIndex!, 16);
      } else if (log.length !== 0) {
        fail(`unexpected colour "${value}" at ${m.index}`);
      }
      const color = (
        type === 'shortcolor'
          ? [...value].map((ch) => Number.parseInt(ch + ch, 16))
          : [0, 2, 4].map((k) => Number.parseInt(value.slice(k, k + 2), 16))
      ) as RGB;
      log.push(type);
      nodes.push({ index, color });
    } else if (type === 'sep' && (log.at(-1) === 'longcolor' || log.at(-1) === 'shortcolor')) {
      log.length = 0;
      pendingIndex = null;
    } else if (type !== 'whitespace') {
      fail(`unexpected "${value}" at ${m.index}`);
    }
  }
  if (log.length > 0 && log.at(-1) !== 'shortcolor' && log.at(-1) !== 'longcolor') fail('it ends without a colour');
  if (nodes.length < 2) fail('a colour map needs at least 2 colours');

  // Place the nodes on the 0..255 axis.
  const result: { index: number; color: RGB }[] = [];
  const waiting: RGB[] = [];
  const start = nodes.shift()!;
  result.push({ index: 0, color: start.color });
  if (start.index !== null && start.index > 0) result.push({ index: start.index, color: start.color });
  nodes.forEach((node, n) => {
    let index = node.index;
    if (index === null) {
      if (n < nodes.length - 1) {
        waiting.push(node.color);
        return;
      }
      index = 255;
    } else if (index < result.at(-1)!.index) {
      fail('indices must be in ascending order');
    }
    if (waiting.length > 0) {
      // numpy.linspace(0, 1, k + 2)[1:-1] and int() truncation, as zennit does.
      const prev = result.at(-1)!.index;
      const step = 1 / (waiting.length + 1);
      waiting.forEach((color, k) => {
        const alpha = (k + 1) * step;
        result.push({ index: Math.trunc(prev * (1 - alpha) + index! * alpha), color });
      });
      waiting.length = 0;
    }
    result.push({ index, color: node.color });
  });
  result.push({ index: 256, color: result.at(-1)!.color });
  return { indices: result.map((r) => r.index), colors: result.map((r) => r.color) };
}

/**
 * Colormap evaluating compiled CMSL nodes the way zennit's `ColorMap.__call__` does (x·255 on
 * the index axis, linear between the enclosing nodes); bytes are then taken as zennit's
 * `ColorMap.palette` does (`(v·255).round(12)` truncated to uint8), so `cmslColormap(s)(i / 255)`
 * equals entry i of zennit's 256-entry palette.
 */
export function cmslColormap(source: string | CmslNodes): Colormap {
  const { indices, colors } = typeof source === 'string' ? compileCmsl(source) : source;
  const last = indices.length - 1; // the sentinel at 256
  return (t) => {
    const x = Math.min(255, Math.max(0, (Number.isNaN(t) ? 0.5 : t) * 255));
    // numpy.searchsorted(indices[:-1], x, side='right'): first i with indices[i] > x.
    let i = 1;
    while (i < last && indices[i]! <= x) i++;
    const [i0, i1] = [indices[i - 1]!, indices[i]!];
    const [c0, c1] = [colors[i - 1]!, colors[i]!];
    const alpha = (x - i0) / (i1 - i0);
    return [0, 1, 2].map((k) => {
      const v = ((c0[k]! * (1 - alpha) + c1[k]! * alpha) / 255) * 255;
      return Math.min(255, Math.max(0, Math.floor(Math.round(v * 1e12) / 1e12)));
    }) as RGB;
  };
}

/**
 * zennit's built-in colour maps (`zennit.image.CMAPS`), as CMSL source. `gray_red` is NOT a
 * zennit built-in: it is this project's own sequential map (mid grey → red) for unsigned maps.
 */
export const CMSL_SOURCES = {
  gray: '000,fff',
  wred: 'fff,f00',
  wblue: 'fff,00f',
  hot: '000,f00,ff0,fff',
  cold: '000,00f,0ff',
  coldnhot: '0ff,00f,80:000,f00,ff0,fff',
  bwr: '00f,80:fff,f00',
  france: '0055a4,80:fff,ef4135',
  seismic: '0000d0,80:d0d0d0,d00000',
  coolio: '00d0d0,80:d0d0d0,d000d0',
  coleus: '00d000,80:d0d0d0,d000d0',
  gray_red: '808080,f00',
} as const;

const hot = cmslColormap(CMSL_SOURCES.hot);

export const COLORMAPS = {
  /** zennit `bwr` ('00f,80:fff,f00'): blue → white (at index 0x80) → red, the usual LRP heatmap colouring. */
  bwr: cmslColormap(CMSL_SOURCES.bwr),
  /** zennit `seismic` ('0000d0,80:d0d0d0,d00000'): blue → light grey → red at brightness 0xd0 (not matplotlib's). */
  seismic: cmslColormap(CMSL_SOURCES.seismic),
  /** zennit `coldnhot` ('0ff,00f,80:000,f00,ff0,fff'): cyan → blue → black (0x80) → red → yellow → white. */
  coldnhot: cmslColormap(CMSL_SOURCES.coldnhot),
  /** zennit `gray` ('000,fff'). */
  gray: cmslColormap(CMSL_SOURCES.gray),
  /** matplotlib `viridis`, sampled every 0.1 (indices 0, 25, 51, … of its 256-entry table). */
  viridis: linearColormap([
    [68, 1, 84], [72, 36, 117], [65, 68, 135], [53, 95, 141], [42, 120, 142], [33, 145, 140],
    [34, 168, 132], [68, 191, 112], [122, 209, 81], [189, 223, 38], [253, 231, 37],
  ]),
  /** Old name of `hot`, kept for compatibility. */
  heat: hot,
  /** zennit `hot` ('000,f00,ff0,fff'): black → red → yellow → white, for non-negative maps. */
  hot,
  /** Project-defined (not in zennit) sequential map '808080,f00': mid grey → red. */
  gray_red: cmslColormap(CMSL_SOURCES.gray_red),
  /** zennit `wred` ('fff,f00'). */
  wred: cmslColormap(CMSL_SOURCES.wred),
  /** zennit `wblue` ('fff,00f'). */
  wblue: cmslColormap(CMSL_SOURCES.wblue),
  /** zennit `cold` ('000,00f,0ff'). */
  cold: cmslColormap(CMSL_SOURCES.cold),
  /** zennit `france` ('0055a4,80:fff,ef4135'). */
  france: cmslColormap(CMSL_SOURCES.france),
  /** zennit `coolio` ('00d0d0,80:d0d0d0,d000d0'). */
  coolio: cmslColormap(CMSL_SOURCES.coolio),
  /** zennit `coleus` ('00d000,80:d0d0d0,d000d0'). */
  coleus: cmslColormap(CMSL_SOURCES.coleus),
} satisfies Record<string, Colormap>;

export type ColormapName = keyof typeof COLORMAPS;

export const COLORMAP_NAMES = Object.keys(COLORMAPS) as ColormapName[];

/** Colormaps whose midpoint (t = 0.5) stands for zero; they are fed −scale..+scale. */
const DIVERGING: ReadonlySet<string> = new Set<ColormapName>(['bwr', 'seismic', 'coldnhot', 'france', 'coolio', 'coleus']);

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

/**
 * The 256-entry palette of a colormap, sampled as zennit's `ColorMap.palette(level=1)` does
 * (t_k = (linspace(-1, 1, 256)_k + 1) / 2). For the CMSL maps it is byte-for-byte zennit's palette;
 * entry 0x80 is the centre node of the diverging maps (white for `bwr`, black for `coldnhot`).
 */
export function colormapPalette(colormap: ColormapName | Colormap): RGB[] {
  const cmap = typeof colormap === 'function' ? colormap : getColormap(colormap);
  const step = 2 / 255;
  return Array.from({ length: 256 }, (_, k) => {
    const x = k === 255 ? 1 : k * step - 1;
    return cmap(Math.min(1, Math.max(0, (x + 1) / 2)));
  });
}
