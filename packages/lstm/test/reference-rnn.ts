/**
 * An independent plain-array (float64) implementation of the recurrent cells and of their LRP rules,
 * written from the rule text of the package README, one sample at a time. Nothing here uses tfjs.
 */

export type Kind = 'LSTM' | 'GRU' | 'SimpleRNN';
export type Vec = number[];
/** Row-major matrix [rows][cols]. */
export type Mat = number[][];

export interface RefWeights {
  /** [inputDim][gates·units] */
  readonly W: Mat;
  /** [units][gates·units] */
  readonly U: Mat;
  readonly b: Vec | null;
}

export interface RefRule {
  readonly eps: number;
  readonly biasFactor: 0 | 1;
}

export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
export const hardSigmoid = (v: number): number => Math.min(1, Math.max(0, 0.2 * v + 0.5));
const sign = (v: number): number => (v >= 0 ? 1 : -1);
const stab = (v: number, eps: number): number => v + eps * sign(v);

/** Columns [from, from + n) of x·M. */
function vecMat(x: Vec, m: Mat, from: number, n: number): Vec {
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < x.length; i++) for (let j = 0; j < n; j++) out[j]! += x[i]! * m[i]![from + j]!;
  return out;
}

/** M[:, from:from+n] · s (the transpose of vecMat). */
function matVec(m: Mat, s: Vec, from: number): Vec {
  return m.map((row) => s.reduce((acc, v, j) => acc + row[from + j]! * v, 0));
}

interface Step {
  hPrev: Vec;
  cPrev: Vec;
  /** pre-activations per gate block */
  z: Vec[];
  gate: Vec[];
  c: Vec;
  h: Vec;
  resetH?: Vec;
}

/** Forward over one sequence x [T][inputDim] in processing order. */
export function forwardRef(kind: Kind, x: Mat, w: RefWeights, act: (v: number) => number, rec: (v: number) => number): Step[] {
  const d = w.U.length;
  let h: Vec = new Array(d).fill(0);
  let c: Vec = new Array(d).fill(0);
  const steps: Step[] = [];
  const pre = (xt: Vec, block: number, hIn: Vec): Vec => {
    const a = vecMat(xt, w.W, block * d, d);
    const u = vecMat(hIn, w.U, block * d, d);
    return a.map((v, j) => v + u[j]! + (w.b ? w.b[block * d + j]! : 0));
  };
  for (const xt of x) {
    if (kind === 'LSTM') {
      const z = [0, 1, 2, 3].map((k) => pre(xt, k, h));
      const [i, f, g, o] = [z[0]!.map(rec), z[1]!.map(rec), z[2]!.map(act), z[3]!.map(rec)];
      const cNew = c.map((cp, j) => f[j]! * cp + i[j]! * g[j]!);
      const hNew = cNew.map((cv, j) => o[j]! * act(cv));
      steps.push({ hPrev: h, cPrev: c, z, gate: [i, f, g, o], c: cNew, h: hNew });
      [h, c] = [hNew, cNew];
    } else if (kind === 'GRU') {
      const zz = pre(xt, 0, h);
      const zr = pre(xt, 1, h);
      const [z, r] = [zz.map(rec), zr.map(rec)];
      const resetH = r.map((rv, j) => rv * h[j]!);
      const zh = pre(xt, 2, resetH);
      const hh = zh.map(act);
      const hNew = h.map((hp, j) => z[j]! * hp + (1 - z[j]!) * hh[j]!);
      steps.push({ hPrev: h, cPrev: c, z: [zz, zr, zh], gate: [z, r, hh], c, h: hNew, resetH });
      h = hNew;
    } else {
      const z = pre(xt, 0, h);
      const hNew = z.map(act);
      steps.push({ hPrev: h, cPrev: c, z: [z], gate: [], c, h: hNew });
      h = hNew;
    }
  }
  return steps;
}

/**
 * LRP through one sequence: `rh[t]` is the relevance the layer output sends to h_t (processing order).
 * Returns the relevance of every x_t and what is left on the initial state (h₀ and c₀ summed).
 */
export function lrpRef(kind: Kind, x: Mat, w: RefWeights, steps: Step[], rh: Mat, rule: RefRule): { rx: Mat; initial: number } {
  const d = w.U.length;
  const e = x[0]!.length;
  const fanIn = e + d;
  const { eps, biasFactor: bf } = rule;
  let rhNext: Vec = new Array(d).fill(0);
  let rcNext: Vec = new Array(d).fill(0);
  const rx: Mat = x.map(() => new Array(e).fill(0));
  // epsilon rule over [x_t, a] into pre-activation block `block`: returns (R(x_t), R(a)).
  const linear = (t: number, a: Vec, recurrentFrom: number, z: Vec, r: Vec, block: number): Vec => {
    const s = z.map((zj, j) => r[j]! / stab(zj, eps));
    const share = bf ? s.reduce((acc, sj, j) => acc + ((w.b ? w.b[block * d + j]! : 0) + eps * sign(z[j]!)) * sj, 0) / fanIn : 0;
    const fromW = matVec(w.W, s, block * d);
    rx[t] = x[t]!.map((xi, i) => xi * fromW[i]! + share);
    const fromU = matVec(w.U, s, recurrentFrom);
    return a.map((ai, i) => ai * fromU[i]! + share);
  };
  // proportional split of y = p + q per element
  const split = (p: Vec, q: Vec, y: Vec, r: Vec): [Vec, Vec] => {
    const s = y.map((yj, j) => r[j]! / stab(yj, eps));
    const sh = y.map((yj, j) => (bf ? (eps * sign(yj) * s[j]!) / 2 : 0));
    return [p.map((v, j) => v * s[j]! + sh[j]!), q.map((v, j) => v * s[j]! + sh[j]!)];
  };
  for (let t = steps.length - 1; t >= 0; t--) {
    const st = steps[t]!;
    const rhT = rhNext.map((v, j) => v + rh[t]![j]!);
    if (kind === 'LSTM') {
      const [i, f, g] = st.gate as [Vec, Vec, Vec, Vec];
      const rc = rcNext.map((v, j) => v + rhT[j]!);
      const [rcPrev, rg] = split(f.map((fv, j) => fv * st.cPrev[j]!), i.map((iv, j) => iv * g[j]!), st.c, rc);
      rhNext = linear(t, st.hPrev, 2 * d, st.z[2]!, rg, 2);
      rcNext = rcPrev;
    } else if (kind === 'GRU') {
      const [z, , hh] = st.gate as [Vec, Vec, Vec];
      const [direct, rCand] = split(z.map((zv, j) => zv * st.hPrev[j]!), z.map((zv, j) => (1 - zv) * hh[j]!), st.h, rhT);
      const viaReset = linear(t, st.resetH!, 2 * d, st.z[2]!, rCand, 2);
      rhNext = direct.map((v, j) => v + viaReset[j]!);
    } else {
      rhNext = linear(t, st.hPrev, 0, st.z[0]!, rhT, 0);
    }
  }
  const initial = rhNext.reduce((a, b) => a + b, 0) + (kind === 'LSTM' ? rcNext.reduce((a, b) => a + b, 0) : 0);
  return { rx, initial };
}
