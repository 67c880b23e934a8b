/**
 * Standard normal deviates from a seeded uniform generator (Box–Muller: each pair of uniforms
 * gives two deviates, the second kept for the next call). Same generator, same sequence, on every
 * backend and machine.
 */
export function normalDeviates(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = Math.max(uniform(), 1e-12); // log(0) guard
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}
