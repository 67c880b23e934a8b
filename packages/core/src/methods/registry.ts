import type * as tf from '@tensorflow/tfjs';
import type { Explanation } from '../engine/explain-lrp.js';
import type { ModelInput } from '../engine/inputs.js';
import { InvalidArgumentError } from '../errors.js';
import type { XaiModel } from '../model.js';
import type { MethodContext } from './method-context.js';
import { resolveOptions, type AnyObjectSchema, type ObjectSchema } from './option-schema.js';

/** The families of the seed's overview of explanation methods. */
export const METHOD_FAMILIES = {
  structure: 'structure-based: propagate relevance backwards through the layers (LRP, deep Taylor, excitation backprop, guided backprop, deconvnet)',
  function: 'function-based: gradients of the output at or around the input (sensitivity, gradient×input, integrated gradients)',
  sampling: 'sampling-based: average another method over noisy copies of the input (SmoothGrad, VarGrad)',
  surrogate: 'surrogate-based: fit an interpretable model to perturbed copies of the input (LIME)',
  perturbation: 'perturbation-based: change parts of the input and watch the output (occlusion, meaningful perturbation)',
} as const;
export type MethodFamily = keyof typeof METHOD_FAMILIES;

/** Options every method takes besides its own (handled by `explain`). */
export interface TargetOptions {
  /** Class index per sample, or one for the whole batch; default the arg-max. */
  readonly target?: number | readonly number[];
  /** Output head (index or output layer name) of a multi-output model. */
  readonly output?: number | string;
}

export interface MethodDefinition {
  readonly name: string;
  readonly family: MethodFamily;
  /** One line for listings. */
  readonly description: string;
  /** Object schema of the method's own options (defaults included). */
  readonly options: AnyObjectSchema;
  /**
   * Whether the result is a (modified) gradient or relevance computed per sample by one backward pass,
   * so that SmoothGrad can average it over noisy copies.
   */
  readonly wrappable?: boolean;
  /**
   * One backward pass gives relevance for every input of a multi-input model (LRP, gradients …).
   * Other methods explain one input at a time, the others held fixed (see explainEachInput).
   */
  readonly allInputsInOnePass?: boolean;
  /** Runs on the 'ort' executor (its `run` reads `executor` and `onNotice`); other methods run on tfjs after a notice. */
  readonly runsOnOrt?: boolean;
  /** Can explain int32 inputs such as token ids (LIME masks tokens); gradient methods cannot. */
  readonly integerInputs?: boolean;
  /**
   * What one explained sample costs with these (resolved) options: a server refuses requests above
   * its limits before running them. Without it a method costs one pass of batch 1.
   */
  cost?(options: Readonly<Record<string, unknown>>, sampleShape: readonly number[]): MethodCost;
  /**
   * Whether the method can explain this model at all (attention rollout needs attention); without it,
   * every model. Listings for a model may hide the others.
   */
  appliesTo?(model: XaiModel): boolean;
  /**
   * The resolved options that took effect, as results report them (e.g. `lrp` drops the default
   * composite when one `rule` replaces it); without it, all of them.
   */
  effectiveOptions?(options: Readonly<Record<string, unknown>>): Record<string, unknown>;
  /** Works on any input rank (occlusion, LIME …) or needs the model's own input shape only. */
  run(model: XaiModel, input: ModelInput, options: Readonly<Record<string, unknown>> & TargetOptions, context: MethodContext): Promise<Explanation>;
}

/** The work of one explained sample (see MethodDefinition.cost). */
export interface MethodCost {
  /** Forward (with backward, for gradient methods) passes through the model. */
  readonly passes: number;
  /** Copies of the sample in the largest batch one pass runs. */
  readonly batch: number;
  /** The option(s) that set `passes` and `batch`, for messages that refuse them. */
  readonly passesOption?: string;
  readonly batchOption?: string;
}

const methods = new Map<string, MethodDefinition>();

/** Adds a method (plugins may add their own); a name can be registered once. */
export function registerMethod(definition: MethodDefinition): void {
  if (methods.has(definition.name)) throw new InvalidArgumentError(`method '${definition.name}' is already registered`);
  methods.set(definition.name, definition);
}

export function methodByName(name: string): MethodDefinition {
  const m = methods.get(name);
  if (!m) throw new InvalidArgumentError(`unknown method '${name}'; available: ${[...methods.keys()].join(', ')}`);
  return m;
}

/**
 * The cost of explaining one sample of shape `sampleShape` (no batch axis) with `options` as a
 * client gives them (checked, defaults filled in).
 */
export function methodCost(name: string, options: Readonly<Record<string, unknown>>, sampleShape: readonly number[]): MethodCost {
  const definition = methodByName(name);
  const resolved = resolveOptions(definition.options, options, `method '${name}'`);
  return definition.cost?.(resolved, sampleShape) ?? { passes: 1, batch: 1 };
}

/** The registered methods that can explain `model` (see MethodDefinition.appliesTo). */
export function methodsFor(model: XaiModel): MethodDefinition[] {
  return listMethods().filter((m) => m.appliesTo?.(model) ?? true);
}

/** All registered methods in registration order. */
export function listMethods(): MethodDefinition[] {
  return [...methods.values()];
}

/** JSON description of every method (for `xai methods`, `GET /methods`, generated forms). */
export function methodCatalog(): { name: string; family: MethodFamily; description: string; wrappable: boolean; options: ObjectSchema }[] {
  return listMethods().map((m) => ({ name: m.name, family: m.family, description: m.description, wrappable: !!m.wrappable, options: m.options as ObjectSchema }));
}

export type { tf };
