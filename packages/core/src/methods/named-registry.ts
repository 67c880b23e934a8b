/**
 * A registry of things built by name from options declared as a TypeBox schema (rules,
 * composites): `create` checks the options against the schema, fills defaults and builds.
 */
import type { Static, TObject } from 'typebox';
import { InvalidArgumentError } from '../errors.js';
import { checkOptions } from './option-schema.js';

export interface NamedDefinition<S extends TObject, T> {
  readonly name: string;
  /** One line for listings. */
  readonly description: string;
  /** The options (defaults included). */
  readonly options: S;
  create(options: Static<S>): T;
}

export class NamedRegistry<T> {
  private readonly definitions = new Map<string, NamedDefinition<any, T>>();

  /** `what` names the kind of thing in messages ('rule', 'composite'). */
  constructor(private readonly what: string) {}

  /** Adds (or replaces) a definition under its name. */
  register<S extends TObject>(definition: NamedDefinition<S, T>): void {
    this.definitions.set(definition.name, definition);
  }

  names(): string[] {
    return [...this.definitions.keys()];
  }

  definition(name: string): NamedDefinition<TObject, T> {
    const d = this.definitions.get(name);
    if (!d) throw new InvalidArgumentError(`unknown ${this.what} '${name}'; choose one of ${this.names().join(', ')}`);
    return d;
  }

  /** Builds one; options the definition does not declare are ignored (callers pass shared option bags). */
  create(name: string, options: Readonly<Record<string, unknown>>): T {
    const d = this.definition(name);
    const own = Object.fromEntries(Object.entries(options).filter(([k, v]) => k in d.options.properties && v !== undefined));
    return d.create(checkOptions(d.options, own, `${this.what} '${name}'`) as never);
  }

  /** Name, description and option schema of every definition. */
  catalog(): { name: string; description: string; options: TObject }[] {
    return [...this.definitions.values()].map((d) => ({ name: d.name, description: d.description, options: d.options }));
  }
}
