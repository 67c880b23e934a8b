import { InvalidArgumentError, resolveOptions, type ObjectSchema } from '@xai/core';
import type { Direction, MetricCategory, MetricDefinition, MetricRequirement } from './metric.js';

const metrics = new Map<string, MetricDefinition>();

/** Adds a metric (plugins may add their own); a name can be registered once. */
export function registerMetric(definition: MetricDefinition): void {
  if (metrics.has(definition.name)) throw new InvalidArgumentError(`metric '${definition.name}' is already registered`);
  metrics.set(definition.name, definition);
}

export function metricByName(name: string): MetricDefinition {
  const m = metrics.get(name);
  if (!m) throw new InvalidArgumentError(`unknown metric '${name}'; available: ${[...metrics.keys()].join(', ')}`);
  return m;
}

/** All registered metrics in registration order. */
export function listMetrics(): MetricDefinition[] {
  return [...metrics.values()];
}

/** Checks options against the metric's schema and fills in defaults (InvalidArgumentError names the option). */
export function resolveMetricOptions(definition: MetricDefinition, given: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return resolveOptions(definition.options, given, `metric '${definition.name}'`);
}

/** The better direction of a metric under the given (resolved) options. */
export function metricDirection(definition: MetricDefinition, options: Readonly<Record<string, unknown>> = {}): Direction {
  const by = definition.directionBy;
  if (by) {
    const value = options[by.option] ?? (definition.options.properties[by.option] as { default?: unknown } | undefined)?.default;
    const d = typeof value === 'string' ? by.values[value] : undefined;
    if (d) return d;
  }
  return definition.direction;
}

export interface MetricCatalogEntry {
  name: string;
  category: MetricCategory;
  description: string;
  reference: string;
  direction: Direction;
  directionBy?: { option: string; values: Record<string, Direction> };
  requires: MetricRequirement[];
  options: ObjectSchema;
}

/** JSON description of every metric (for `GET /metrics`, generated forms, `--help`). */
export function metricCatalog(): MetricCatalogEntry[] {
  return listMetrics().map((m) => ({
    name: m.name,
    category: m.category,
    description: m.description,
    reference: m.reference,
    direction: m.direction,
    ...(m.directionBy ? { directionBy: { option: m.directionBy.option, values: { ...m.directionBy.values } } } : {}),
    requires: [...m.requires],
    options: m.options,
  }));
}
