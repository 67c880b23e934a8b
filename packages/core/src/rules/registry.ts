/**
 * Rules by name. Every rule — for linear nodes (ε, z⁺, γ …) or any node kind (pass, norm,
 * gradient …) — is registered with a TypeBox schema of its options; `ruleByName` checks options
 * against it, fills defaults and builds the rule. Plugins register their own the same way.
 */
import { Type, type Static, type TObject } from 'typebox';
import { InvalidArgumentError } from '../errors.js';
import { checkOptions } from '../methods/option-schema.js';
import type { Rule } from './rule.js';

export interface RuleDefinition<S extends TObject = TObject> {
  readonly name: string;
  /** One line for listings. */
  readonly description: string;
  /** The rule's options (defaults included). */
  readonly options: S;
  create(options: Static<S>): Rule;
}

const rules = new Map<string, RuleDefinition<any>>();

/** Adds (or replaces) a rule under its name. */
export function registerRule<S extends TObject>(definition: RuleDefinition<S>): void {
  rules.set(definition.name, definition);
}

export const ruleNames = (): string[] => [...rules.keys()];

export function ruleDefinition(name: string): RuleDefinition {
  const d = rules.get(name);
  if (!d) throw new InvalidArgumentError(`unknown rule '${name}'; choose one of ${ruleNames().join(', ')}`);
  return d;
}

/** A rule by name with its options, e.g. `{ name: 'epsilon', epsilon: 0.25 }` (options the rule does not declare are ignored). */
export interface RuleSpec {
  readonly name: string;
  readonly [option: string]: unknown;
}

/** Builds a registered rule; options are checked against its schema (unknown ones ignored when given as a spec). */
export function ruleByName(spec: string | RuleSpec, options: Readonly<Record<string, unknown>> = {}): Rule {
  const { name, ...rest } = typeof spec === 'string' ? { name: spec, ...options } : { ...spec, ...options };
  const d = ruleDefinition(name);
  const own = Object.fromEntries(Object.entries(rest).filter(([k, v]) => k in d.options.properties && v !== undefined));
  return d.create(checkOptions(d.options, own, `rule '${name}'`) as never);
}

/** Name, description and option schema of every rule. */
export function ruleCatalog(): { name: string; description: string; options: TObject }[] {
  return [...rules.values()].map((d) => ({ name: d.name, description: d.description, options: d.options }));
}

export { Type };
