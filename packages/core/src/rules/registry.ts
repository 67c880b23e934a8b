/**
 * Rules by name. Every rule — for linear nodes (ε, z⁺, γ …) or any node kind (pass, norm,
 * gradient …) — is registered with a TypeBox schema of its options; `ruleByName` checks options
 * against it, fills defaults and builds the rule. Plugins register their own the same way.
 */
import type { TObject } from 'typebox';
import { NamedRegistry, type NamedDefinition } from '../methods/named-registry.js';
import type { Rule } from './rule.js';

export type RuleDefinition<S extends TObject = TObject> = NamedDefinition<S, Rule>;

const rules = new NamedRegistry<Rule>('rule');

/** Adds (or replaces) a rule under its name. */
export const registerRule = <S extends TObject>(definition: RuleDefinition<S>): void => rules.register(definition);
export const ruleNames = (): string[] => rules.names();
export const ruleDefinition = (name: string): RuleDefinition => rules.definition(name);
/** Name, description and option schema of every rule. */
export const ruleCatalog = () => rules.catalog();

/** A rule by name with its options, e.g. `{ name: 'epsilon', epsilon: 0.25 }` (options the rule does not declare are ignored). */
export interface RuleSpec {
  readonly name: string;
  readonly [option: string]: unknown;
}

/** Builds a registered rule; options are checked against its schema. */
export function ruleByName(spec: string | RuleSpec, options: Readonly<Record<string, unknown>> = {}): Rule {
  const { name, ...rest } = typeof spec === 'string' ? { name: spec, ...options } : { ...spec, ...options };
  return rules.create(name, rest);
}
