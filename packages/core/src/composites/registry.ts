/**
 * Composites by name, each registered with a TypeBox schema of its options (checked, defaults
 * filled, by `compositeByName`). Plugins register their own the same way.
 */
import type { Static, TObject } from 'typebox';
import { InvalidArgumentError } from '../errors.js';
import { checkOptions } from '../methods/option-schema.js';
import type { Composite } from './composite.js';

export interface CompositeDefinition<S extends TObject = TObject> {
  readonly name: string;
  readonly description: string;
  readonly options: S;
  create(options: Static<S>): Composite;
}

const composites = new Map<string, CompositeDefinition<any>>();

/** Adds (or replaces) a composite under its name. */
export function registerComposite<S extends TObject>(definition: CompositeDefinition<S>): void {
  composites.set(definition.name, definition);
}

export const compositeNames = (): string[] => [...composites.keys()];

/** A registered composite; options it does not declare are ignored (callers pass the method's bounds to every composite). */
export function compositeByName(name: string, options: Readonly<Record<string, unknown>> = {}): Composite {
  const d = composites.get(name);
  if (!d) throw new InvalidArgumentError(`unknown composite '${name}'; choose one of ${compositeNames().join(', ')}`);
  const own = Object.fromEntries(Object.entries(options).filter(([k, v]) => k in d.options.properties && v !== undefined));
  return d.create(checkOptions(d.options, own, `composite '${name}'`) as never);
}

/** Name, description and option schema of every composite. */
export function compositeCatalog(): { name: string; description: string; options: TObject }[] {
  return [...composites.values()].map((d) => ({ name: d.name, description: d.description, options: d.options }));
}
