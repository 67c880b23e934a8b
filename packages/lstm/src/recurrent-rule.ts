import { InvalidArgumentError } from '@xai/core';

/** What the relevance of a recurrent layer's initial state was in one explanation (biasFactor 1 checks). */
export interface InitialStateReport {
  /** The node: the layer name, or `layer/forward` and `layer/backward` inside a Bidirectional. */
  readonly node: string;
  /** Per sample: Σ R(h₀) + Σ R(c₀) (the initial state is zero, so only bias/stabiliser shares reach it). */
  readonly relevance: number[];
}

/** The LRP rule of the recurrent layers (Arras et al. 2017, 2019); see the package README. */
export interface RecurrentRuleOptions {
  /** Stabiliser ε of every division in the recurrent layers (default 0.001). */
  readonly epsilon?: number;
  /**
   * 0 (default): the bias and stabiliser shares of each division are absorbed (not redistributed).
   * 1: they are spread equally over the inputs of each neuron, so relevance is conserved (sanity checks).
   */
  readonly biasFactor?: 0 | 1;
  /** Per layer name: options that replace the ones above for that layer. */
  readonly layers?: Readonly<Record<string, { readonly epsilon?: number; readonly biasFactor?: 0 | 1 }>>;
  /** Called after each recurrent node's LRP backward pass with the relevance left on its initial state. */
  readonly onInitialState?: (report: InitialStateReport) => void;
}

/** The settings one recurrent layer uses. */
export interface ResolvedRecurrentRule {
  readonly epsilon: number;
  readonly biasFactor: 0 | 1;
  readonly onInitialState?: (report: InitialStateReport) => void;
}

export const DEFAULT_EPSILON = 1e-3;

let current: RecurrentRuleOptions = {};

function check(options: RecurrentRuleOptions, where = 'recurrent rule'): void {
  const { epsilon, biasFactor } = options;
  if (epsilon !== undefined && !(Number.isFinite(epsilon) && epsilon >= 0)) {
    throw new InvalidArgumentError(`${where}: epsilon must be a finite number ≥ 0, got ${epsilon}`);
  }
  if (biasFactor !== undefined && biasFactor !== 0 && biasFactor !== 1) {
    throw new InvalidArgumentError(`${where}: biasFactor must be 0 or 1, got ${biasFactor}`);
  }
  for (const [name, o] of Object.entries(options.layers ?? {})) check(o, `recurrent rule for layer '${name}'`);
}

/** Sets the rule the recurrent layers follow in every later LRP explanation (process-wide). */
export function setRecurrentRule(options: RecurrentRuleOptions): void {
  check(options);
  current = { ...options };
}

/** The process-wide recurrent rule options. */
export function recurrentRule(): RecurrentRuleOptions {
  return current;
}

/**
 * Runs `fn` (synchronous, e.g. an `lrp` call) with other recurrent rule options, then restores the
 * previous ones.
 */
export function withRecurrentRule<T>(options: RecurrentRuleOptions, fn: () => T): T {
  check(options);
  const saved = current;
  current = { ...saved, ...options };
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new InvalidArgumentError('withRecurrentRule takes a synchronous function (LRP itself is synchronous)');
    }
    return result;
  } finally {
    current = saved;
  }
}

/** The settings of one layer (per-layer options first, then the process-wide ones, then the defaults). */
export function ruleForLayer(layerName: string): ResolvedRecurrentRule {
  const own = current.layers?.[layerName] ?? {};
  return {
    epsilon: own.epsilon ?? current.epsilon ?? DEFAULT_EPSILON,
    biasFactor: own.biasFactor ?? current.biasFactor ?? 0,
    onInitialState: current.onInitialState,
  };
}
