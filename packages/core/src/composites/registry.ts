/**
 * Composites by name, each registered with a TypeBox schema of its options (checked, defaults
 * filled, by `compositeByName`). Plugins register their own the same way.
 */
import type { TObject } from 'typebox';
import { NamedRegistry, type NamedDefinition } from '../methods/named-registry.js';
import type { Composite } from './composite.js';

export type CompositeDefinition<S extends TObject = TObject> = NamedDefinition<S, Composite>;

const composites = new NamedRegistry<Composite>('composite');

/** Adds (or replaces) a composite under its name. */
export const registerComposite = <S extends TObject>(definition: CompositeDefinition<S>): void => composites.register(definition);
export const compositeNames = (): string[] => composites.names();
/** Name, description and option schema of every composite. */
export const compositeCatalog = () => composites.catalog();

/** A registered composite; options it does not declare are ignored (callers pass the method's bounds to every composite). */
export const compositeByName = (name: string, options: Readonly<Record<string, unknown>> = {}): Composite => composites.create(name, options);
