/**
 * `count` items in the fewest passes of at most `max` items, every pass of one `size` (the last
 * may hold fewer): a graph compiled for ONNX Runtime has a fixed batch, so equal passes share one
 * session, and the short last pass is padded to `size` instead of compiling a second graph.
 */
export function evenPasses(count: number, max: number): { passes: number; size: number } {
  const passes = Math.ceil(count / Math.max(1, max));
  return { passes, size: Math.ceil(count / passes) };
}
