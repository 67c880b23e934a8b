/** What a SpRAy cluster holds: size, how pure it is in some labelling, its mean heatmap, its most typical members. */

export interface ClusterSummary {
  readonly cluster: number;
  readonly size: number;
  /** Sample indices (into the analysed set) of the members. */
  readonly members: number[];
  /** Commonest label among the members and its share (when labels were given). */
  readonly majorityLabel?: number;
  readonly purity?: number;
  /** Mean preprocessed heatmap of the members. */
  readonly meanHeatmap: Float32Array;
  /** Members nearest to the mean heatmap, nearest first. */
  readonly prototypes: number[];
}

export function summariseClusters(
  heatmaps: readonly Float32Array[],
  assignments: Int32Array,
  clusters: number,
  options: { labels?: ArrayLike<number>; prototypes?: number } = {},
): ClusterSummary[] {
  const d = heatmaps[0]?.length ?? 0;
  return Array.from({ length: clusters }, (_, c) => {
    const members: number[] = [];
    assignments.forEach((a, i) => a === c && members.push(i));
    const mean = new Float32Array(d);
    for (const i of members) for (let k = 0; k < d; k++) mean[k]! += heatmaps[i]![k]!;
    if (members.length > 0) for (let k = 0; k < d; k++) mean[k]! /= members.length;
    const dist = (i: number) => heatmaps[i]!.reduce((a, v, k) => a + (v - mean[k]!) ** 2, 0);
    const prototypes = members
      .map((i) => [i, dist(i)] as const)
      .sort((a, b) => a[1] - b[1] || a[0] - b[0])
      .slice(0, options.prototypes ?? 5)
      .map(([i]) => i);
    let majorityLabel: number | undefined;
    let purity: number | undefined;
    if (options.labels && members.length > 0) {
      const counts = new Map<number, number>();
      for (const i of members) counts.set(options.labels[i]!, (counts.get(options.labels[i]!) ?? 0) + 1);
      const [label, count] = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
      majorityLabel = label;
      purity = count / members.length;
    }
    return { cluster: c, size: members.length, members, majorityLabel, purity, meanHeatmap: mean, prototypes };
  });
}
