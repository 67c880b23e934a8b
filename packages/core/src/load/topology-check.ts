import { UnsupportedLayerError } from '../errors.js';
import { supportedLayerClasses } from '../graph/registry.js';

const CONTAINERS = new Set(['Sequential', 'Model', 'Functional']);

/**
 * Walks the Keras topology before tfjs deserialises it, so an unsupported (or unknown, custom)
 * layer is reported with its name and class rather than as a deserialisation failure.
 */
export function checkTopology(topology: any): void {
  const supported = supportedLayerClasses();
  const root = topology?.model_config ?? topology;
  const visit = (layer: any) => {
    const className: string = layer?.class_name;
    const config = layer?.config ?? {};
    if (CONTAINERS.has(className)) {
      const layers = Array.isArray(config) ? config : config.layers ?? [];
      layers.forEach(visit);
      return;
    }
    if (!supported.includes(className)) throw new UnsupportedLayerError(config.name ?? '?', className, supported);
  };
  visit(root);
}
