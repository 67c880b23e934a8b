/** Types and helpers of the Analysis view (POST /analyses results). */
import type { Artefact } from './types';

export const ANALYSIS_KINDS = ['spray', 'neon', 'prune', 'clarc'] as const;
export type AnalysisKind = (typeof ANALYSIS_KINDS)[number];

export interface SprayClass {
  class: number;
  className: string;
  samples: number[];
  eigenvalues: number[];
  eigengapClusters: number;
  clusterCount: number;
  assignments: number[];
  tsne?: [number, number][];
  umap?: [number, number][];
  clusters: { cluster: number; size: number; prototypes: number[]; artefactShare?: number }[];
  artefactCluster?: { cluster: number; precision: number; recall: number };
  figures: Record<string, string>;
}

export interface Accuracy {
  overall: number;
  perClass: number[];
}

export interface AnalysisResult {
  job: string;
  kind: 'analysis';
  files: Artefact[];
  analysis: {
    kind: AnalysisKind;
    dataset: { name: string; count: number; shape: number[]; classNames: string[] | null };
    seconds: number;
    classes?: SprayClass[];
    predictions?: number[];
    labels?: number[];
    // neon
    layer?: string;
    k?: number;
    purity?: number;
    clusters?: { cluster: number; size: number; majorityLabel: number; purity: number; prototypes: number[] }[];
    // prune
    unprunedAccuracy?: number;
    curves?: { criterion: string; totalFilters: number; steps: { pruned: number; share: number; accuracy: number }[] }[];
    atMagnitudeLoss?: { pruned: number; share: number; accuracy: Record<string, number> } | null;
    // clarc
    artefactFrom?: string;
    accuracy?: Record<string, { before: Accuracy; after: Accuracy }>;
    artefactRelevanceShare?: { before: number; after: number } | null;
    figures?: Record<string, string>;
  };
}

/** tab10, as the server's figures. */
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
export const categoryColour = (k: number) => COLOURS[((k % COLOURS.length) + COLOURS.length) % COLOURS.length]!;

export const percent = (v: number) => `${(100 * v).toFixed(1)}%`;
