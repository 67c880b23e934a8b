/**
 * Standard 10-20 / 10-10 electrode positions (ACNS names, Oostenveld & Praamstra 2001), built on a
 * spherical head: Cz at the vertex, nasion, inion and the pre-auricular points on the equator. The
 * midline and the pre-auricular arc are divided in 10 % steps; each row (AF, F, FC, C, CP, P, PO)
 * runs along the circle through its two ends on the 10 % ring and its midline electrode, divided in
 * equal arcs. 2-D positions use the azimuthal equidistant projection (EEGLAB's convention): the
 * distance from the centre is the angle from the vertex, the head outline is the equator.
 */

type Vec = readonly [number, number, number];

const deg = Math.PI / 180;
/** Unit vector at inclination θ from the vertex and azimuth φ (0 = nose, positive = right). */
const point = (theta: number, phi: number): Vec => [Math.sin(theta * deg) * Math.sin(phi * deg), Math.sin(theta * deg) * Math.cos(phi * deg), Math.cos(theta * deg)];
const sub = (a: Vec, b: Vec): Vec => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const add = (a: Vec, b: Vec): Vec => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: Vec, k: number): Vec => [a[0] * k, a[1] * k, a[2] * k];
const dot = (a: Vec, b: Vec) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec, b: Vec): Vec => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** Centre of the circle through three points. */
function circumcentre(a: Vec, b: Vec, c: Vec): Vec {
  const ab = sub(b, a);
  const ac = sub(c, a);
  const n = cross(ab, ac);
  const nn = dot(n, n);
  if (nn < 1e-12) return scale(add(a, c), 0.5);
  const t1 = scale(cross(n, ab), dot(ac, ac));
  const t2 = scale(cross(ac, n), dot(ab, ab));
  return add(a, scale(add(t1, t2), 1 / (2 * nn)));
}

/** Point at fraction f of the arc from p to q around centre c (p and q equidistant from c). */
function arc(c: Vec, p: Vec, q: Vec, f: number): Vec {
  const u = sub(p, c);
  const v = sub(q, c);
  const r = Math.sqrt(dot(u, u));
  const omega = Math.acos(Math.max(-1, Math.min(1, dot(u, v) / (r * Math.sqrt(dot(v, v))))));
  if (omega < 1e-9) return p;
  const s = Math.sin(omega);
  return add(c, add(scale(u, Math.sin((1 - f) * omega) / s), scale(v, Math.sin(f * omega) / s)));
}

function build(): Map<string, Vec> {
  const m = new Map<string, Vec>();
  // Midline, nasion (front) to inion (back).
  const midline: [string, number, number][] = [
    ['Nz', 90, 0], ['Fpz', 72, 0], ['AFz', 54, 0], ['Fz', 36, 0], ['FCz', 18, 0], ['Cz', 0, 0],
    ['CPz', 18, 180], ['Pz', 36, 180], ['POz', 54, 180], ['Oz', 72, 180], ['Iz', 90, 180],
  ];
  for (const [name, theta, phi] of midline) m.set(name, point(theta, phi));
  // 10 % ring (θ = 72°) and equator (θ = 90°), left side; right side mirrors with even numbers.
  const ring: [string, string, number][] = [
    ['Fp1', '', 18], ['AF7', 'AF9', 36], ['F7', 'F9', 54], ['FT7', 'FT9', 72], ['T7', 'T9', 90],
    ['TP7', 'TP9', 108], ['P7', 'P9', 126], ['PO7', 'PO9', 144], ['O1', 'I1', 162],
  ];
  const mirror = (name: string) => name.replace(/(\d+)$/, (d) => String(Number(d) + 1));
  for (const [r, e, az] of ring) {
    m.set(r, point(72, -az));
    m.set(mirror(r), point(72, az));
    if (e) {
      m.set(e, point(90, -az));
      m.set(mirror(e), point(90, az));
    }
  }
  // Rows: left end on the ring, midline electrode, right end; 4 equal arcs on each side.
  const rows: [string, string, string][] = [
    ['AF', 'AF7', 'AFz'], ['F', 'F7', 'Fz'], ['FC', 'FT7', 'FCz'], ['C', 'T7', 'Cz'], ['CP', 'TP7', 'CPz'], ['P', 'P7', 'Pz'], ['PO', 'PO7', 'POz'],
  ];
  for (const [prefix, end, mid] of rows) {
    const left = m.get(end)!;
    const right = m.get(mirror(end))!;
    const centre = m.get(mid)!;
    const c = circumcentre(left, centre, right);
    [5, 3, 1].forEach((number, k) => {
      m.set(`${prefix}${number}`, arc(c, left, centre, (k + 1) / 4));
      m.set(`${prefix}${number + 1}`, arc(c, right, centre, (k + 1) / 4));
    });
  }
  // Mastoids / ear lobes, below the equator.
  m.set('M1', point(115, -100));
  m.set('M2', point(115, 100));
  m.set('A1', point(110, -90));
  m.set('A2', point(110, 90));
  return m;
}

const POSITIONS = build();
const BY_KEY = new Map([...POSITIONS.entries()].map(([k, v]) => [k.toLowerCase(), [k, v] as const]));
/** Old 10-20 names (lower case) and the 10-10 names of the same positions. */
export const OLD_ELECTRODE_NAMES: Readonly<Record<string, string>> = { t3: 'T7', t4: 'T8', t5: 'P7', t6: 'P8' };
const ALIASES = OLD_ELECTRODE_NAMES;

/** Canonical name and 3-D unit vector of an electrode label ('EEG Fp1-Ref', 'FP1', 'T3' …), or null. */
export function electrodePosition(label: string): { name: string; xyz: readonly [number, number, number] } | null {
  const candidates = [label.trim()];
  const bare = label.trim().replace(/^(EEG|REL)\s+/i, '');
  candidates.push(bare, bare.split(/[-_ ]/)[0]!);
  for (const c of candidates) {
    const key = c.toLowerCase();
    const alias = ALIASES[key];
    const hit = BY_KEY.get(alias ? alias.toLowerCase() : key);
    if (hit) return { name: hit[0], xyz: hit[1] };
  }
  return null;
}

/**
 * 2-D position of an electrode (x right, y towards the nose) in head radii: the distance from the
 * centre is the angle from the vertex divided by 90°, so the equator (nasion, T9, inion) lies on the
 * unit circle and the 10 % ring (Fpz, T7, Oz) at 0.8.
 */
export function projectElectrode(xyz: readonly [number, number, number]): [number, number] {
  const theta = Math.acos(Math.max(-1, Math.min(1, xyz[2])));
  const rho = Math.hypot(xyz[0], xyz[1]);
  const r = theta / (Math.PI / 2);
  return rho < 1e-12 ? [0, 0] : [(xyz[0] / rho) * r, (xyz[1] / rho) * r];
}

/** Every electrode name the montage knows. */
export function electrodeNames(): string[] {
  return [...POSITIONS.keys()];
}
